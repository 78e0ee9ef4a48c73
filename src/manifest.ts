/**
 * `npm run manifest`: prints manifest.yml with PUBLIC_URL filled in (read from the environment or
 * ./.env) and Socket Mode on when SLACK_APP_TOKEN is set, ready to paste into Slack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { ConfigError } from './infrastructure/config.ts';
import { loadManifestSettings } from './infrastructure/manifestSettings.ts';
import { renderManifest } from './slack/manifest.ts';

try {
  const settings = loadManifestSettings(process.env);
  const manifest = readFileSync(join(import.meta.dirname, '..', 'manifest.yml'), 'utf8');
  process.stdout.write(renderManifest(manifest, settings));
  if (!settings.socketMode && !settings.publicUrl.startsWith('https://')) {
    // On stderr, so that stdout stays pasteable.
    process.stderr.write(
      `Note: Slack accepts only public https:// request URLs, and PUBLIC_URL is ${settings.publicUrl}. ` +
        'Set PUBLIC_URL to the https address Slack can reach (e.g. a tunnel), or set SLACK_APP_TOKEN for Socket Mode.\n',
    );
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Cannot write the manifest. ${error.message}\n`);
  process.exit(78);
}
