/**
 * Entry point (`npm start`): read the settings, start the bot, and shut down cleanly on SIGTERM
 * or SIGINT, letting work in flight finish first.
 */
import process from 'node:process';
import { createBot } from './app.ts';
import { ConfigError, knownSecrets, loadConfig } from './infrastructure/config.ts';
import { createLogger } from './infrastructure/logger.ts';
import { SettingRefusedError } from './infrastructure/settingRefused.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`The bot cannot start. ${error.message}\nSee .env.example and README.md for each setting.\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, knownSecrets: knownSecrets(config) });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  const bot = await createBot(config, { logger });
  await bot.start();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    bot.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** A setting Slack or Scalekit refused at start: named, with where to copy the right value; exit 78 as for a malformed one. */
function exitIfSettingRefused(err: unknown): void {
  if (!(err instanceof SettingRefusedError)) return;
  process.stderr.write(`The bot cannot start. ${err.message}\nSee .env.example and README.md for each setting.\n`);
  process.exit(78);
}

main().catch((err: unknown) => {
  exitIfSettingRefused(err);
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`The bot failed to start: ${message}\n`);
  process.exit(1);
});
