/**
 * The App Home tab for one user: each connector's status read from the agent-auth backend (without
 * creating accounts just to look), the workspace's team-alert channel, and what the Connect,
 * Reconnect and Disconnect buttons do: a connect link DM'd to the user (no request waits on it), or
 * the grant given up, then the tab published again.
 */
import type { AlertChannelSettings } from '../../actions/alerts/outbox.ts';
import type { UserDirectory } from '../../actions/ports.ts';
import type { RequestAuthorization } from '../../actions/requestAuthorization.ts';
import type { AgentAuth } from '../../agentAuth/port.ts';
import { OverBudgetError } from '../../core/errors.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { DigestView, ManageDigests } from '../../actions/digests/manageDigests.ts';
import type { UserTimeZones } from '../userTimeZones.ts';
import { buildAppHome, homeStatusOf, type HomeConnector } from '../blocks/appHome.ts';
import { buildAuthorizationPrompt } from '../blocks/authorizationPrompt.ts';
import { buildDigestModal } from '../blocks/digestModal.ts';
import type { DigestPlan } from '../../actions/digests/ports.ts';
import { retryWait } from '../errorMessages.ts';
import { dmReply } from '../replies.ts';
import type { SlackClients } from '../slackClients.ts';

export interface HomeConnection {
  /** The agent-auth connection name; it goes into the buttons' action_ids. */
  connection: string;
  label: string;
  purpose: string;
}

export interface HomeTabDeps {
  agentAuth: AgentAuth;
  users: UserDirectory;
  requestAuthorization: RequestAuthorization;
  channels: AlertChannelSettings;
  defaultChannel: string | undefined;
  connections: HomeConnection[];
  /** The client of each user's workspace. */
  clients: SlackClients;
  logger: Logger;
  now: () => Date;
  /** Scheduled digests: shown with Pause / Resume when wired. */
  digests?: { manage: ManageDigests; timeZones: UserTimeZones } | undefined;
}

export class HomeTab {
  private readonly deps: HomeTabDeps;

  constructor(deps: HomeTabDeps) {
    this.deps = deps;
  }

  async publish(user: SlackUser, notice?: string): Promise<void> {
    await this.publishFor(user, await this.deps.users.identifierFor(user), notice);
  }

  /** Publishes without looking the user up, which would store them (again) in the directory. */
  private async publishFor(user: SlackUser, identifier: string, notice?: string): Promise<void> {
    const connectors: HomeConnector[] = await Promise.all(
      this.deps.connections.map(async ({ connection, label, purpose }) => {
        const status = await this.deps.agentAuth.status({ connection, identifier }).catch((err: unknown) => {
          this.deps.logger.warn({ err, connection }, 'reading a connection status for the Home tab failed');
          return 'UNKNOWN' as const;
        });
        return { id: connection, label, purpose, status: homeStatusOf(status) };
      }),
    );
    const workspace = await this.deps.channels.channelFor(user.teamId);
    const fallback = this.deps.defaultChannel && /^[CG][A-Z0-9]{2,30}$/.test(this.deps.defaultChannel) ? this.deps.defaultChannel : undefined;
    const alertChannel = workspace
      ? { channelId: workspace, source: 'workspace' as const }
      : fallback
        ? { channelId: fallback, source: 'default' as const }
        : undefined;
    const digest = await this.digestOf(user);
    await (await this.deps.clients.forWorkspace(user)).views.publish({ user_id: user.userId, view: buildAppHome({ connectors, alertChannel, notice, digest }) });
  }

  /** Pause or Resume pressed on the tab: done, then the tab shows the new state. */
  async pauseDigest(user: SlackUser, paused: boolean): Promise<void> {
    const digests = this.deps.digests;
    if (!digests) return;
    if (paused) await digests.manage.pause(user);
    else await digests.manage.resume(user, await digests.timeZones.of(user));
    await this.publish(user);
  }

  /** "Change" pressed: the modal, filled in with the current schedule (views.open must come within 3 s). */
  async openDigestChange(user: SlackUser, triggerId: string): Promise<void> {
    const digests = this.deps.digests;
    if (!digests) return;
    const current = (await this.digestOf(user)) ?? undefined;
    await (await this.deps.clients.forWorkspace(user)).views.open({ trigger_id: triggerId, view: buildDigestModal(current) });
  }

  /** The modal was saved with words that read: the schedule is set, then the tab shows it. */
  async saveDigest(user: SlackUser, plan: DigestPlan): Promise<void> {
    const digests = this.deps.digests;
    if (!digests) return;
    await digests.manage.set(user, plan, await digests.timeZones.of(user));
    await this.publish(user);
  }

  /** The digest section's content; left out (undefined) when it cannot be read, so the tab still shows. */
  private async digestOf(user: SlackUser): Promise<DigestView | null | undefined> {
    const digests = this.deps.digests;
    if (!digests) return undefined;
    try {
      return (await digests.manage.show(user, await digests.timeZones.of(user))) ?? null;
    } catch (err) {
      this.deps.logger.warn({ err }, 'reading the digest schedule for the Home tab failed');
      return undefined;
    }
  }

  async connect(user: SlackUser, connection: string): Promise<void> {
    const known = this.deps.connections.find((c) => c.connection === connection);
    if (!known) return;
    const identifier = await this.deps.users.identifierFor(user);
    let pending;
    try {
      pending = await this.deps.requestAuthorization.linkOnly({ requester: user, identifier, connection });
    } catch (thrown) {
      // Over the link budget: no link, no DM; the Home tab itself says when to try again.
      if (!(thrown instanceof OverBudgetError)) throw thrown;
      this.deps.logger.info({ user: user.userId, connection }, 'connect link refused: over budget');
      await this.publish(user, `You've asked for several connect links in a short time; please try again ${retryWait(thrown.retryAfterMs)}.`);
      return;
    }
    const minutes = Math.round((pending.linkExpiresAt.getTime() - this.deps.now().getTime()) / 60_000);
    await dmReply(await this.deps.clients.forWorkspace(user), user.userId).send(
      buildAuthorizationPrompt({
        connectorLabel: known.label,
        url: pending.linkUrl,
        expiresInMinutes: minutes,
        purpose: known.purpose,
        reconnect: pending.reconnect,
      }),
    );
  }

  async disconnect(user: SlackUser, connection: string): Promise<void> {
    if (!this.deps.connections.some((c) => c.connection === connection)) return;
    const identifier = await this.deps.users.identifierFor(user);
    try {
      await this.deps.agentAuth.disconnect({ connection, identifier });
    } catch (thrown) {
      // The grant is only forgotten here once the provider has revoked it: say so, rather than
      // showing nothing or pretending it is gone.
      this.deps.logger.warn({ err: thrown, user: user.userId, connection }, 'disconnecting from the Home tab failed');
      await this.publish(user, "I couldn't reach the provider to revoke my access, so your account is still connected; please try Disconnect again in a few minutes.");
      return;
    }
    this.deps.logger.info({ user: user.userId, connection }, 'disconnected from the Home tab');
    await this.forgetIfNothingConnected(user, identifier);
    await this.publishFor(user, identifier);
  }

  /**
   * A user with no connected account left (none active or expired) leaves the user directory with
   * it (README: "What the bot keeps"). Asked of the agent-auth backend, which alone knows (Scalekit
   * keeps its accounts on its side); if it cannot say, the user is kept.
   */
  private async forgetIfNothingConnected(user: SlackUser, identifier: string): Promise<void> {
    try {
      const statuses = await Promise.all(this.deps.connections.map(({ connection }) => this.deps.agentAuth.status({ connection, identifier })));
      // An expired account is still one the Home tab offers to reconnect; one never authorized holds no grant.
      if (!statuses.some((status) => status === 'ACTIVE' || status === 'EXPIRED')) await this.deps.users.forget(user);
    } catch (err) {
      this.deps.logger.warn({ err, user: user.userId }, 'checking for accounts left after a disconnect failed; the user is kept');
    }
  }
}
