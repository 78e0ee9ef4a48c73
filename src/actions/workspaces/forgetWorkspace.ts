/**
 * An uninstall leaves nothing behind: when Slack says a workspace (or an org) removed the bot, its
 * installation, its users' connections (revoked at the provider with the built-in backend, deleted
 * at Scalekit) and every row the bot keeps for it are removed. Audit entries are kept for
 * AUDIT_RETENTION_DAYS as always, but no longer shown to anyone.
 *
 * Durable: the removal is written first and carried out by a pass that any instance runs (right
 * after the event, and periodically); a pass that crashes half way, or meets a provider that cannot
 * be reached, leaves the removal due again later. Each step can run twice without harm.
 *
 * Enterprise Grid: org users' identifiers are org-wide (`slack:E:<org>:<user>`), and so are their
 * connections: the same person in two workspaces of one org has one Gmail connection. A
 * workspace-level uninstall in an org therefore removes only what belongs to that workspace (its
 * kept requests, alerts, alert channel, proposals, schedules, conversations, links and sessions)
 * while another installation still serves the org; the org users' connections, their directory rows
 * and budgets stay for the workspaces that still use the bot. Once no installation serves the org,
 * the removal widens to the whole org. An org-wide uninstall removes the whole org's data.
 */
import type { WorkspaceData, Installations, WorkspaceRemoval, WorkspaceRemovals, WorkspaceScope } from './ports.ts';

export interface ForgetWorkspaceDeps {
  removals: WorkspaceRemovals;
  data: WorkspaceData;
  installations: Installations;
  /** The agent-auth port's disconnect: revokes (built-in) or deletes (Scalekit); a missing account is no error. */
  disconnect(ref: { connection: string; identifier: string }): Promise<void>;
  /** Every connection name an account may exist on (Gmail, Calendar). */
  connections: string[];
  now: () => Date;
  onEvent?: (event: RemovalEvent) => void;
}

export type RemovalEvent =
  | { kind: 'requested'; scope: WorkspaceScope }
  | { kind: 'erased'; scope: WorkspaceScope; rows: Record<string, number> }
  | { kind: 'finished'; scope: WorkspaceScope; accounts: number }
  | { kind: 'postponed'; scope: WorkspaceScope; accountsLeft: number; error: unknown }
  | { kind: 'failed'; scope: WorkspaceScope; error: unknown };

/** How long a pass may hold a removal before another instance takes it over. */
const LEASE_MS = 5 * 60_000;
const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 30 * 60_000;

export class ForgetWorkspace {
  private readonly deps: ForgetWorkspaceDeps;

  constructor(deps: ForgetWorkspaceDeps) {
    this.deps = deps;
  }

  /** Records the removal; `runDue` carries it out. */
  async request(scope: WorkspaceScope): Promise<void> {
    await this.deps.removals.request(scope, this.deps.now());
    this.deps.onEvent?.({ kind: 'requested', scope });
  }

  /** Carries out the due removals; returns how many were finished. Failures are kept for a later pass. */
  async runDue(limit = 10): Promise<number> {
    let finished = 0;
    for (const removal of await this.deps.removals.claimDue(this.deps.now(), LEASE_MS, limit)) {
      try {
        if (await this.carryOut(removal)) finished += 1;
      } catch (error) {
        // Left leased: taken again, by any instance, once the lease runs out.
        this.deps.onEvent?.({ kind: 'failed', scope: removal.scope, error });
      }
    }
    return finished;
  }

  private async carryOut(removal: WorkspaceRemoval): Promise<boolean> {
    const { removals, data } = this.deps;
    let { scope, identifiers } = removal;
    if (!removal.planned) {
      await this.deps.installations.forget(scope);
      scope = await this.widened(scope);
      // Collected and saved before anything is deleted: the directory rows they come from go next.
      const found = ownsAccounts(scope) ? await data.identifiersIn(scope) : [];
      identifiers = [...new Set([...identifiers, ...found])];
      await removals.planned(removal.id, scope, identifiers);
    }
    if (!removal.erased) {
      const rows = await data.erase(scope, this.deps.now());
      await removals.erased(removal.id, this.deps.now());
      this.deps.onEvent?.({ kind: 'erased', scope, rows });
    }
    if (removal.erased && identifiers.length > 0) {
      // A later pass: someone who came back since (a re-install) may have connected anew under the
      // same derived identifier; their new connection is not this removal's to take.
      const back = new Set(await data.knownAgain(identifiers));
      identifiers = identifiers.filter((identifier) => !back.has(identifier));
    }
    const left: string[] = [];
    let lastError: unknown;
    for (const identifier of identifiers) {
      try {
        for (const connection of this.deps.connections) await this.deps.disconnect({ connection, identifier });
      } catch (error) {
        left.push(identifier);
        lastError = error;
      }
    }
    if (left.length > 0) {
      const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(10, Math.max(0, removal.attempts - 1)));
      await removals.retryLater(removal.id, left, new Date(this.deps.now().getTime() + delay), errorName(lastError));
      this.deps.onEvent?.({ kind: 'postponed', scope, accountsLeft: left.length, error: lastError });
      return false;
    }
    await removals.finish(removal.id, this.deps.now());
    this.deps.onEvent?.({ kind: 'finished', scope, accounts: identifiers.length });
    return true;
  }

  /** A workspace of an org that nothing serves any more: the org's users are gone for the bot too. */
  private async widened(scope: WorkspaceScope): Promise<WorkspaceScope> {
    if (scope.kind !== 'workspace' || !scope.enterpriseId) return scope;
    return (await this.deps.installations.servesOrg(scope.enterpriseId)) ? scope : { kind: 'org', enterpriseId: scope.enterpriseId };
  }
}

/** Whether the scope's users' accounts go with it: not an org user's, while their org is served elsewhere. */
function ownsAccounts(scope: WorkspaceScope): boolean {
  return scope.kind === 'org' || !scope.enterpriseId;
}

/** Only a name or code: an error's message may carry what a provider said back. */
function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    return (error as Error).name ?? 'Error';
  }
  return 'Error';
}
