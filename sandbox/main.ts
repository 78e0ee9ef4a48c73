/**
 * `npm run sandbox`: the bot in a local workspace that plays Slack and Google, for trying it in a
 * browser without either account. SANDBOX_PORT chooses the page's port (default 3030).
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { startSandbox } from './sandbox.ts';

const port = Number(process.env.SANDBOX_PORT ?? 3030);
const sandbox = await startSandbox({ port: Number.isInteger(port) && port >= 0 ? port : 3030 }).catch((error: unknown) => {
  process.stderr.write(`The sandbox could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
process.stdout.write(
  `\nThe sandbox is running: open ${sandbox.url}\n` +
    `  The real bot runs as \`npm start\` runs it, at ${sandbox.bot.url}; its log: ${sandbox.bot.logFile}\n` +
    `  Its data (database, log) is in ${sandbox.dataDir}, removed when you stop the sandbox (Ctrl+C).\n\n`,
);
let stopping = false;
void sandbox.bot.exited.then((code) => {
  if (stopping) return;
  // The data folder goes with the sandbox: show the end of the log before it does.
  const tail = readFileSync(sandbox.bot.logFile, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
  process.stderr.write(`The bot stopped unexpectedly (exit code ${code}). The end of its log:\n${tail}\n`);
  stop();
});
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('Stopping the bot and the sandbox…\n');
  sandbox.close().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
