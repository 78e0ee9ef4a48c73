/**
 * pino JSON logs (pretty in a terminal), with every line passed through the redactor so that
 * tokens, secrets, authorization links and email contents never reach a log.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { LogRedactor } from './logRedaction.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  knownSecrets?: Array<string | undefined>;
  /** Where lines go; defaults to stdout (pretty when it is a terminal). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const redactor = new LogRedactor(options.knownSecrets);
  const destination =
    options.destination ?? (process.stdout.isTTY ? pretty({ colorize: true, sync: true }) : pino.destination(1));
  return pino(
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
}
