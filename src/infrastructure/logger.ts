/**
 * pino JSON logs (pretty in a terminal), with every line passed through the redactor so that
 * tokens, secrets, authorization links and email contents never reach a log. On stdout they go
 * through a bounded asynchronous output (logOutput.ts), so a log reader cannot hold the bot.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { LogRedactor } from './logRedaction.ts';
import { stdoutLogOutput } from './logOutput.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  knownSecrets?: Array<string | undefined>;
  /** Where lines go; defaults to stdout (pretty when it is a terminal). */
  destination?: DestinationStream;
  /** On stdout, how many bytes of lines may wait for a slow reader before the oldest are dropped. */
  maxQueuedBytes?: number;
}

const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

export function createLogger(options: LoggerOptions): Logger {
  const redactor = new LogRedactor(options.knownSecrets);
  const stdout = options.destination
    ? undefined
    : stdoutLogOutput({
        maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
        ...(process.stdout.isTTY ? { format: prettyFactory({ colorize: true }) } : {}),
      });
  const destination: DestinationStream = options.destination ?? (stdout as DestinationStream);
  const logger = pino(
    {
      level: options.level,
      base: { service: 'slack-agent-actions' },
      formatters: {
        log: (object) => redactor.scrub(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactor.scrubString(arg) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      serializers: { err: (err: unknown) => redactor.scrub(err) },
    },
    destination,
  );
  if (stdout) {
    stdout.onDropped = (droppedLines) => logger.warn({ droppedLines }, 'log lines dropped while nobody read stdout');
  }
  return logger;
}
