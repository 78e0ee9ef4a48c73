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

export type RunOutcome<T> = { ok: true; result: T } | { ok: false; error: unknown };

/** What `run` returned or threw, as a value. */
export async function attempt<T>(run: () => Promise<T>): Promise<RunOutcome<T>> {
  try {
    return { ok: true, result: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Runs an action, hands its outcome to `deliver` (the answer the user is waiting for), and only then
 * records how the action ended: the write is not on the path to the user's answer. It is recorded
 * whether or not delivery works, and with the time the action ended. A failing audit write is
 * reported, not thrown: the action has already happened on the user's account, and failing it now
 * would only make them repeat it. Delivery's own failure is passed on.
 */
export async function audited<T>(
  log: AuditLog,
  subject: AuditSubject,
  now: () => Date,
  run: () => Promise<T>,
  deliver: (outcome: RunOutcome<T>) => Promise<void>,
  onAuditError: (error: unknown) => void = () => {},
): Promise<void> {
  if (!ACTION_NAME.test(subject.action)) throw new Error(`audit: "${subject.action.slice(0, 40)}" is not an action name`);
  const outcome = await attempt(run);
  const entry: AuditEntry = { ...subject, at: now(), ...outcomeOf(outcome.ok ? undefined : outcome.error) };
  try {
    await deliver(outcome);
  } finally {
    try {
      await log.record(entry);
    } catch (auditError) {
      onAuditError(auditError);
    }
  }
}
