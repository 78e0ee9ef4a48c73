/**
 * Part of the composition root: start and stop. Starting serves first, then checks the settings
 * only Slack and Scalekit can judge (in HTTP mode /readyz says "not ready" while the checks wait),
 * then starts the background work. Stopping goes the other way and says what it waits for.
 */
import type { App } from '@slack/bolt';
import type { Dispatcher } from 'undici';
import type { BackgroundTasks } from '../infrastructure/backgroundTasks.ts';
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { Database } from '../infrastructure/storage/database.ts';
import { appTokenRefusal, type BotIdentity } from '../slack/botTokenCheck.ts';
import type { BackgroundWork } from './backgroundWork.ts';
import { checkSettingsWithServices, logUrlsToConfigure } from './startup.ts';

export interface Bot {
  /**
   * Starts serving, checks the settings only Slack and Scalekit can judge (waiting while they do
   * not answer), then resolves with the HTTP port the bot's routes listen on. Rejects with
   * SettingRefusedError when a service refuses a setting.
   */
  start(): Promise<{ port: number }>;
  /**
   * Stops taking requests, lets the work in flight finish (up to `drainMs`), then closes;
   * `onStep` hears what it is waiting for at each point, for a shutdown deadline to report.
   */
  stop(drainMs?: number, onStep?: (waitingFor: string) => void): Promise<void>;
  /**
   * Resolves true once no work taken from Slack is running or queued (retries and their waits
   * included), false after `timeoutMs`: tests wait on it instead of sleeping out a quiet period.
   */
  idle(timeoutMs: number): Promise<boolean>;
}

/** What the Slack app and the readiness route ask of the bot while it starts. */
export class BotState {
  ready = false;
  identity: BotIdentity | undefined;
  readonly starting = new AbortController();
}

export function lifecycle(
  config: Config,
  deps: {
    state: BotState;
    app: App;
    background: BackgroundWork;
    tasks: BackgroundTasks;
    dispatcher: Dispatcher;
    db: Database;
    logger: Logger;
    /** Waits between start-up checks of a service that does not answer (default 1, 2, 4, 8, 15 s). */
    startupRetryDelaysMs?: number[] | undefined;
  },
): Bot {
  const { state, app, logger } = deps;
  const delays = deps.startupRetryDelaysMs ? { delaysMs: deps.startupRetryDelaysMs } : {};
  const checks = () => checkSettingsWithServices(config, { dispatcher: deps.dispatcher, logger, signal: state.starting.signal, ...delays });
  const listen = async () => {
    // A deep accept queue: under a burst, a full default backlog drops connections and Slack's
    // requests would wait for TCP's retransmission (1 s, 3 s), past Slack's 3-second limit.
    const started = (await app.start({ port: config.port, backlog: 4096 }).catch((err: unknown) => {
      throw appTokenRefusal(err) ?? err;
    })) as unknown;
    const address = (started as { address?: () => unknown }).address?.();
    return typeof address === 'object' && address && 'port' in address ? Number(address.port) : config.port;
  };

  return {
    async start() {
      // Socket Mode's start needs Slack; in HTTP mode /readyz answers "not ready" while the checks wait.
      const socketMode = Boolean(config.slack.appToken);
      if (socketMode) state.identity = await checks();
      const port = await listen();
      logUrlsToConfigure(config, logger);
      if (!socketMode) {
        state.identity = await checks().catch(async (err: unknown) => {
          await app.stop().catch(() => {});
          throw err;
        });
      }
      state.ready = true;
      deps.background.start();
      logger.info({ port, mode: socketMode ? 'socket' : 'http' }, 'bot is ready');
      return { port };
    },
    async stop(drainMs = 10_000, onStep = () => {}) {
      state.ready = false;
      onStep('the periodic sweeps to stop');
      state.starting.abort(new Error('the bot is stopping'));
      await deps.background.stop();
      onStep('the Slack receiver to close (requests still being received)');
      await app.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the Slack receiver failed'));
      onStep('the work in flight to finish');
      const drained = await deps.tasks.drain(drainMs);
      if (!drained) logger.warn({ pending: deps.tasks.size }, 'stopped with work still in flight');
      onStep('the upstream HTTP connections to close');
      await deps.dispatcher.close().catch(() => {});
      onStep('the database to close');
      await deps.db.close();
      logger.info('bot stopped');
    },
    idle: (timeoutMs) => deps.tasks.drain(timeoutMs),
  };
}
