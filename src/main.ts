/**
 * Entry point (`npm start`): read the settings, start the bot, and shut down cleanly on SIGTERM
 * or SIGINT, letting work in flight finish first, within a hard deadline.
 */
import process from 'node:process';
import { createBot, type Bot } from './app.ts';
import { ConfigError, knownSecrets, loadConfig } from './infrastructure/config.ts';
import { createLogger, type Logger } from './infrastructure/logger.ts';
import {
  DEADLINE_EXIT_CODE,
  flushLogsWithin,
  lastLine,
  prepareLastLine,
  stopWithin,
  type StopOutcome,
} from './infrastructure/shutdownDeadline.ts';
import { SettingRefusedError } from './infrastructure/settingRefused.ts';
import { collectStartupGarbage } from './infrastructure/startupGarbage.ts';

/** Past the drain, the time left to close connections and the database and write the last logs. */
const CLOSING_GRACE_MS = 5_000;
/** How long the last log lines may take to reach a slow reader before the process exits anyway. */
const LOG_FLUSH_MS = 2_000;

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
  const logger = createLogger({ level: config.logLevel, knownSecrets: knownSecrets(config), maxQueuedBytes: config.logBufferBytes });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  // Until the bot is up there is no work to drain (start-up checks may wait on an unreachable
  // service for half a minute): a signal then ends the process at once, as its default would, but said.
  const whileStarting = (signal: NodeJS.Signals) => exitAtOnce(signal, 'while starting');
  process.on('SIGTERM', whileStarting);
  process.on('SIGINT', whileStarting);
  const bot = await createBot(config, { logger });
  await bot.start();
  process.off('SIGTERM', whileStarting);
  process.off('SIGINT', whileStarting);
  collectStartupGarbage();
  stopOnSignals(bot, logger, config.shutdownDrainMs);
}

/** The shell's convention for a process ended by a signal: 128 + its number. */
function exitAtOnce(signal: NodeJS.Signals, when: string): never {
  lastLine(`Stopped by ${signal} ${when}.`);
  process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
}

/**
 * SIGTERM or SIGINT: stop once, within the drain time plus a grace, then exit. A second signal
 * (Ctrl-C pressed again, or an operator who will not wait) exits at once, as most servers do.
 */
function stopOnSignals(bot: Bot, logger: Logger, drainMs: number): void {
  prepareLastLine();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) exitAtOnce(signal, 'again while draining the work in flight');
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadlineMs = drainMs + CLOSING_GRACE_MS;
    void stopWithin(deadlineMs, async (step) => {
      await bot.stop(drainMs, step);
      step('the last log lines to be written');
      await flushLogsWithin(logger, LOG_FLUSH_MS);
    }).then((outcome) => exitAfter(outcome, logger, deadlineMs));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** 0 when the bot stopped, 1 when stopping failed, DEADLINE_EXIT_CODE when it took too long. */
async function exitAfter(outcome: StopOutcome, logger: Logger, deadlineMs: number): Promise<never> {
  if (outcome.kind === 'deadline') {
    lastLine(`The bot did not stop within ${deadlineMs / 1000} s; exiting while still waiting for ${outcome.waitingFor}.`);
    process.exit(DEADLINE_EXIT_CODE);
  }
  if (outcome.kind === 'failed') {
    logger.error({ err: outcome.error }, 'shutdown failed');
    await flushLogsWithin(logger, LOG_FLUSH_MS);
    process.exit(1);
  }
  process.exit(0);
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
