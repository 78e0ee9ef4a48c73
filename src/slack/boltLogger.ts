/**
 * Bolt and the Web API client log through our pino logger (and so through its redaction).
 * Their debug output is dropped whatever LOG_LEVEL says: it can carry request payloads, and
 * message payloads carry users' email.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../infrastructure/logger.ts';

function text(parts: unknown[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : part instanceof Error ? part.message : '')).join(' ').trim();
}

export function boltLogger(logger: Logger): SlackLogger {
  let child = logger.child({ component: 'slack' });
  return {
    debug: () => {},
    info: (...parts: unknown[]) => child.info(text(parts)),
    warn: (...parts: unknown[]) => child.warn(text(parts)),
    error: (...parts: unknown[]) => {
      const err = parts.find((part): part is Error => part instanceof Error);
      child.error(err ? { err } : {}, text(parts));
    },
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: (name: string) => {
      child = logger.child({ component: name });
    },
  };
}
