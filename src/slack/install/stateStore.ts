/**
 * The install flow's states, for @slack/oauth's InstallProvider: random, kept in the bot's database
 * (only as an HMAC under SLACK_STATE_SECRET, so a copy of the database holds no usable state),
 * single use across every instance, and expiring. The InstallProvider binds each state to the
 * browser that started the install with its state cookie, and checks that cookie before asking here,
 * so a state arriving from another browser is refused without being used up.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { InvalidStateError, type InstallURLOptions, type StateStore } from '@slack/oauth';
import type { InstallStatePort } from '../../actions/installations.ts';

/** As long as the InstallProvider's state cookie lives (its stateCookieExpirationSeconds). */
export const INSTALL_STATE_TTL_SECONDS = 600;

export class DatabaseStateStore implements StateStore {
  private readonly states: InstallStatePort;
  private readonly secret: string;
  private readonly now: () => Date;

  constructor(deps: { states: InstallStatePort; secret: string; now: () => Date }) {
    this.states = deps.states;
    this.secret = deps.secret;
    this.now = deps.now;
  }

  async generateStateParam(installOptions: InstallURLOptions): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.states.issue(this.hash(state), JSON.stringify(installOptions), now, new Date(now.getTime() + INSTALL_STATE_TTL_SECONDS * 1000));
    return state;
  }

  async verifyStateParam(_now: Date, state: string): Promise<InstallURLOptions> {
    const options = await this.states.consume(this.hash(state), this.now());
    if (options === undefined) throw new InvalidStateError('The install link has expired or was already used.');
    return JSON.parse(options) as InstallURLOptions;
  }

  private hash(state: string): string {
    return createHmac('sha256', this.secret).update(state).digest('hex');
  }
}
