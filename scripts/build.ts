/**
 * `npm run build` (and `prestart`, so `npm start` always runs the current sources): bundles the bot
 * from src/main.ts into dist/ with rolldown, Vite's bundler.
 *
 * Why a bundle, when Node runs the .ts files as they are: measured on the bench machine, the bundle
 * loads in about half the time and with about 35 MiB less memory. Node strips the types of each of
 * some 150 source files with a WebAssembly compiler (amaro) that stays loaded (about 17 MiB, and
 * 170 ms before the first file runs), and reads hundreds of files of dependencies one by one; the
 * bundle is one file of plain JavaScript. Tests and `npm run manifest` keep running the .ts sources.
 *
 * What start-up does not need stays out of the main file: modules the bot loads with `import()` (the
 * PostgreSQL driver, the Scalekit SDK until the first call to Scalekit) become chunks of their own,
 * read only when used. Whitespace and syntax are minified, names are not, so a stack trace in a log
 * still names its functions.
 *
 * The start script also gives V8 two flags, measured with `npm run bench` (README, Performance):
 * `--max-semi-space-size=4` caps the young generation at 4 MiB rather than V8's 16 (less memory
 * under bursts) while leaving it room to grow past 1 MiB (at 1 MiB, a burst spent a quarter of the
 * bot's time collecting garbage: `npm run bench:profile`); what start-up grows it to is given back
 * after start-up (src/infrastructure/startupGarbage.ts), so idle memory does not pay for it.
 * `--heap-growing-percent=25` lets the old generation grow by a quarter past what survived the
 * last full collection instead of V8's default factor of up to 4, which after a burst held some
 * 80 MiB of garbage-ready pages.
 */
import { readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where `npm start` runs the bot from. */
export const DIST = join(ROOT, 'dist');

/** Bundles `<root>/src/main.ts` into `outDir`; resolves with the bundle's entry file. */
export async function buildBot(outDir = DIST, root = ROOT): Promise<string> {
  rmSync(outDir, { recursive: true, force: true });
  await build({
    input: join(root, 'src/main.ts'),
    platform: 'node',
    logLevel: 'warn',
    output: {
      dir: outDir,
      format: 'esm',
      entryFileNames: '[name].js',
      minify: { compress: true, mangle: false, codegen: { removeWhitespace: true } },
    },
  });
  return join(outDir, 'main.js');
}

/**
 * `npm start`'s node flags and the bundle it runs, read from package.json, so the bench and the
 * sandbox run what users run (the .env flag left out: they set the environment themselves).
 */
export function startScript(root = ROOT): { nodeFlags: string[]; entry: string } {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [program, ...words] = (scripts.start ?? '').trim().split(/\s+/);
  const entry = words.pop();
  if (program !== 'node' || !entry || words.some((word) => !word.startsWith('--'))) {
    throw new Error(`package.json's start script should read "node [--flags] <entry>", got "${scripts.start}"`);
  }
  return { nodeFlags: words.filter((flag) => !flag.startsWith('--env-file')), entry };
}

// Run as a script (not imported, as the bench does); import.meta.main would need Node 24.2. npm runs
// it in the package's directory, which is where `npm start` then looks for dist/ (this file's own
// directory may be a link to elsewhere).
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildBot(join(process.cwd(), 'dist'), process.cwd());
}
