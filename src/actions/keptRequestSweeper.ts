/**
 * Use case: finds requests still waiting on a connection and carries them out once the account
 * is usable, whatever brought it there: a return from the agent-auth service that reached another
 * instance, or never reached us at all, or an instance that died while running them. Requests
 * whose time ran out are dropped, and their requesters told, so none waits on in silence.
 */
import type { AgentAuth } from '../agentAuth/port.ts';
import type { KeptRequest, KeptRequestStore } from './ports.ts';
import type { DeliverOutcome, ResumeKeptRequests } from './resumeKeptRequests.ts';

export class KeptRequestSweeper {
  private readonly deps: {
    keptRequests: KeptRequestStore;
    agentAuth: AgentAuth;
    resume: ResumeKeptRequests;
    now: () => Date;
  };

  constructor(deps: KeptRequestSweeper['deps']) {
    this.deps = deps;
  }

  /** Returns how many requests were carried out; `dropped` hears of each expired one, once. */
  async sweep(deliver: DeliverOutcome, dropped: (request: KeptRequest) => Promise<void>): Promise<number> {
    for (const request of await this.deps.keptRequests.expireDue(this.deps.now())) await dropped(request);
    const accounts = await this.deps.keptRequests.accountsAwaiting(this.deps.now());
    let carried = 0;
    for (const ref of accounts) {
      try {
        await this.deps.agentAuth.getAccessToken(ref);
      } catch {
        continue; // not connected yet, or the service is away: the next sweep asks again
      }
      carried += await this.deps.resume.run(ref.identifier, ref.connection, deliver);
    }
    return carried;
  }
}
