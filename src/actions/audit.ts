/**
 * The audit log: each action taken on a user's behalf, recorded as who, which action, through which
 * connection, when, and how it ended. Never the content: no email, event title, alert text, search
 * or error message has a field here, so none can leak into the log. `/actions-log` shows a user
 * their own entries.
 */
import { asAppError, type ErrorCode } from '../core/errors.ts';

export type AuditOutcome = 'ok' | 'needs_authorization' | 'failed';

export interface AuditEntry {
  /** The connected-account identifier (see core/slackUser.ts). */
  identifier: string;
  slackUserId: string;
  teamId: string;
  /** A catalogue name such as `unread.list`, `calendar.create_event`, `alert.raise`. */
  action: string;
  /** The agent-auth connection used, or undefined for actions that need none (team alerts). */
  connection: string | undefined;
  at: Date;
  outcome: AuditOutcome;
  /** Set when the outcome is not ok. */
  errorCode?: ErrorCode | undefined;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** The identifier's newest entries first, at most `limit`. */
  recent(identifier: string, limit: number): Promise<AuditEntry[]>;
}

// Names are code, not user input; the pattern keeps anything else (a search, a title) out of the log.
const ACTION_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/** The outcome and code for what an action threw (or `undefined` for success). */
export function outcomeOf(error?: unknown): { outcome: AuditOutcome; errorCode?: ErrorCode } {
  if (error === undefined) return { outcome: 'ok' };
  const code = asAppError(error).code;
  return { outcome: code === 'NEEDS_AUTHORIZATION' ? 'needs_authorization' : 'failed', errorCode: code };
}

export type AuditSubject = Omit<AuditEntry, 'at' | 'outcome' | 'errorCode'>;

/**
 * Runs an action and records how it ended. A failing audit write is reported, not thrown: the action
 * has already happened on the user's account, and failing it now would only make them repeat it.
 */
export async function audited<T>(
  log: AuditLog,
  subject: AuditSubject,
  now: () => Date,
  run: () => Promise<T>,
  onAuditError: (error: unknown) => void = () => {},
): Promise<T> {
  if (!ACTION_NAME.test(subject.action)) throw new Error(`audit: "${subject.action.slice(0, 40)}" is not an action name`);
  const write = async (error?: unknown) => {
    try {
      await log.record({ ...subject, at: now(), ...outcomeOf(error) });
    } catch (auditError) {
      onAuditError(auditError);
    }
  };
  let result: T;
  try {
    result = await run();
  } catch (error) {
    await write(error);
    throw error;
  }
  await write();
  return result;
}
