/**
 * ForgetWorkspace with its ports faked: what an uninstall removes (installation, accounts on every
 * connection, the workspace's rows), in which order, and how a removal that fails half way, or whose
 * provider cannot be reached, is finished by a later pass. Enterprise Grid: a workspace of an org
 * still served elsewhere keeps its org users' accounts; once nothing serves the org, the org goes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ForgetWorkspace } from '../../../src/actions/workspaces/forgetWorkspace.ts';
import type { WorkspaceData, WorkspaceRemoval, WorkspaceRemovals, WorkspaceScope } from '../../../src/actions/workspaces/ports.ts';

const t0 = new Date('2026-12-01T08:00:00Z');
const MINUTE = 60_000;

/** The removal records, kept as the SQL store keeps them (lease on claim, retry time, start over). */
class MemoryRemovals implements WorkspaceRemovals {
  rows = new Map<string, WorkspaceRemoval & { dueAt: Date; done: boolean }>();
  async request(scope: WorkspaceScope, now: Date) {
    const id = scope.kind === 'org' ? `E:${scope.enterpriseId}` : `T:${scope.teamId}`;
    const identifiers = this.rows.get(id)?.identifiers ?? [];
    this.rows.set(id, { id, scope, requestedAt: now, identifiers, planned: false, erased: false, attempts: 0, dueAt: now, done: false });
  }
  async claimDue(now: Date, leaseMs: number, limit: number) {
    const due = [...this.rows.values()].filter((r) => !r.done && r.dueAt <= now).slice(0, limit);
    for (const r of due) Object.assign(r, { attempts: r.attempts + 1, dueAt: new Date(now.getTime() + leaseMs) });
    return due.map((r) => structuredClone(r));
  }
  async planned(id: string, scope: WorkspaceScope, identifiers: string[]) {
    Object.assign(this.rows.get(id)!, { scope, identifiers, planned: true });
  }
  async erased(id: string) {
    this.rows.get(id)!.erased = true;
  }
  async retryLater(id: string, identifiersLeft: string[], at: Date) {
    Object.assign(this.rows.get(id)!, { identifiers: identifiersLeft, dueAt: at });
  }
  async finish(id: string) {
    Object.assign(this.rows.get(id)!, { identifiers: [], done: true });
  }
}

let clock: Date;
let removals: MemoryRemovals;
let log: string[];
let identifiers: Record<string, string[]>;
let down: Set<string>;
let eraseFails: number;
let orgServed: boolean;
let cameBack: Set<string>;

const scopeName = (scope: WorkspaceScope) => (scope.kind === 'org' ? `org ${scope.enterpriseId}` : `workspace ${scope.teamId}${scope.enterpriseId ? ` of ${scope.enterpriseId}` : ''}`);

function forget() {
  const data: WorkspaceData = {
    identifiersIn: async (scope) => identifiers[scopeName(scope)] ?? [],
    erase: async (scope) => {
      if (eraseFails > 0) {
        eraseFails -= 1;
        throw new Error('database went away');
      }
      log.push(`erase ${scopeName(scope)}`);
      return {};
    },
    knownAgain: async (ids) => ids.filter((id) => cameBack.has(id)),
  };
  return new ForgetWorkspace({
    removals,
    data,
    installations: {
      forget: async (scope) => void log.push(`forget installation ${scopeName(scope)}`),
      servesOrg: async () => orgServed,
    },
    disconnect: async ({ connection, identifier }) => {
      if (down.has(identifier)) throw Object.assign(new Error('provider unreachable'), { code: 'UPSTREAM_UNAVAILABLE' });
      log.push(`disconnect ${connection} ${identifier}`);
    },
    connections: ['gmail', 'googlecalendar'],
    now: () => clock,
  });
}

beforeEach(() => {
  clock = t0;
  removals = new MemoryRemovals();
  log = [];
  identifiers = {};
  down = new Set();
  eraseFails = 0;
  orgServed = true;
  cameBack = new Set();
});

describe('forgetting an uninstalled workspace', () => {
  it("forgets the installation, deletes the workspace's rows and disconnects each of its users on every connection, once", async () => {
    identifiers['workspace T1'] = ['slack:T:T1:U1', 'slack:T:T1:U2'];
    const uc = forget();
    await uc.request({ kind: 'workspace', teamId: 'T1' });
    expect(await uc.runDue()).toBe(1);
    expect(log).toEqual([
      'forget installation workspace T1',
      'erase workspace T1',
      'disconnect gmail slack:T:T1:U1',
      'disconnect googlecalendar slack:T:T1:U1',
      'disconnect gmail slack:T:T1:U2',
      'disconnect googlecalendar slack:T:T1:U2',
    ]);
    log = [];
    clock = new Date(t0.getTime() + 60 * MINUTE);
    expect(await uc.runDue()).toBe(0);
    expect(log).toEqual([]);
  });

  it('disconnects the accounts the provider could not take on a later pass, and only those', async () => {
    identifiers['workspace T1'] = ['slack:T:T1:U1', 'slack:T:T1:U2'];
    down.add('slack:T:T1:U2');
    const uc = forget();
    await uc.request({ kind: 'workspace', teamId: 'T1' });
    expect(await uc.runDue()).toBe(0);
    // The rows are gone at once; only the revocation waits.
    expect(log).toContain('erase workspace T1');
    expect(log).toContain('disconnect gmail slack:T:T1:U1');
    log = [];
    expect(await uc.runDue()).toBe(0); // not due yet
    down.clear();
    clock = new Date(t0.getTime() + 2 * MINUTE);
    expect(await uc.runDue()).toBe(1);
    expect(log).toEqual(['disconnect gmail slack:T:T1:U2', 'disconnect googlecalendar slack:T:T1:U2']);
  });

  it('leaves alone, on a later pass, the account of someone who came back (a re-install) since the rows were erased', async () => {
    identifiers['workspace T1'] = ['slack:T:T1:U1', 'slack:T:T1:U2'];
    down.add('slack:T:T1:U1');
    down.add('slack:T:T1:U2');
    const uc = forget();
    await uc.request({ kind: 'workspace', teamId: 'T1' });
    expect(await uc.runDue()).toBe(0);
    down.clear();
    cameBack.add('slack:T:T1:U1');
    log = [];
    clock = new Date(t0.getTime() + 2 * MINUTE);
    expect(await uc.runDue()).toBe(1);
    expect(log).toEqual(['disconnect gmail slack:T:T1:U2', 'disconnect googlecalendar slack:T:T1:U2']);
  });

  it('finishes a removal that failed half way, with the accounts it had found before deleting their rows', async () => {
    identifiers['workspace T1'] = ['slack:T:T1:U1'];
    eraseFails = 1;
    const uc = forget();
    await uc.request({ kind: 'workspace', teamId: 'T1' });
    expect(await uc.runDue()).toBe(0);
    expect(log).toEqual(['forget installation workspace T1']);
    // The directory rows would be gone now: the saved plan still names the account.
    identifiers = {};
    clock = new Date(t0.getTime() + 6 * MINUTE); // the lease of the failed pass ran out
    log = [];
    expect(await uc.runDue()).toBe(1);
    expect(log).toEqual(['erase workspace T1', 'disconnect gmail slack:T:T1:U1', 'disconnect googlecalendar slack:T:T1:U1']);
  });

  it('removes a whole org for an org-wide uninstall', async () => {
    identifiers['org E1'] = ['slack:E:E1:U1'];
    const uc = forget();
    await uc.request({ kind: 'org', enterpriseId: 'E1' });
    expect(await uc.runDue()).toBe(1);
    expect(log).toEqual(['forget installation org E1', 'erase org E1', 'disconnect gmail slack:E:E1:U1', 'disconnect googlecalendar slack:E:E1:U1']);
  });

  it("keeps an org user's accounts when one workspace of an org that is still served elsewhere uninstalls", async () => {
    identifiers['org E1'] = ['slack:E:E1:U1'];
    const uc = forget();
    await uc.request({ kind: 'workspace', teamId: 'T1', enterpriseId: 'E1' });
    expect(await uc.runDue()).toBe(1);
    expect(log).toEqual(['forget installation workspace T1 of E1', 'erase workspace T1 of E1']);
  });

  it('removes the whole org when the last installation serving it goes', async () => {
    identifiers['org E1'] = ['slack:E:E1:U1'];
    orgServed = false;
    const uc = forget();
    await uc.request({ kind: 'workspace', teamId: 'T1', enterpriseId: 'E1' });
    expect(await uc.runDue()).toBe(1);
    expect(log).toEqual(['forget installation workspace T1 of E1', 'erase org E1', 'disconnect gmail slack:E:E1:U1', 'disconnect googlecalendar slack:E:E1:U1']);
  });
});
