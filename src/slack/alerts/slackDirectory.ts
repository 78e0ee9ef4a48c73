/**
 * What the alert rules need to know about a workspace, asked of Slack: a channel's id from its name
 * (conversations.list), whether a user is in a private channel (conversations.members), whether a
 * user is in a user group (usergroups.users.list), whether a user is a workspace admin or owner
 * (users.info).
 *
 * Channel lookups are cached, misses too: conversations.list is Tier 2 and up to 20 pages, so an
 * unknown name must not cost a fresh listing on every try (one user could starve channel resolution
 * for everyone). A name found stays good for CHANNEL_HIT_TTL_MS; a name not found is answered "no
 * such channel" from any listing younger than CHANNEL_MISS_TTL_MS, so a new channel is seen within a
 * minute. Concurrent lookups of one workspace share one listing.
 */
import type { WorkspaceRef } from '../../actions/installations.ts';
import type { SlackClients } from '../slackClients.ts';

/** A workspace (the listing's cache key), and its org for an org-wide installation. */
type Workspace = WorkspaceRef & { teamId: string };

export const CHANNEL_HIT_TTL_MS = 10 * 60_000;
export const CHANNEL_MISS_TTL_MS = 60_000;
/** Membership of private channels is asked again after this: someone removed loses access soon. */
export const MEMBERS_TTL_MS = 60_000;
const MAX_PAGES = 20;
const MAX_MEMBER_PAGES = 50;

interface KnownChannel {
  id: string;
  isPrivate: boolean;
}

interface Listing {
  byName: Map<string, KnownChannel>;
  byId: Map<string, KnownChannel>;
  at: number;
}

export class SlackDirectory {
  private readonly clients: SlackClients;
  private readonly now: () => Date;
  private readonly listings = new Map<string, Listing>();
  private readonly listingsUnderWay = new Map<string, Promise<Listing>>();
  private readonly members = new Map<string, { userIds: Set<string>; until: number }>();

  constructor(deps: { clients: SlackClients; now: () => Date }) {
    this.clients = deps.clients;
    this.now = deps.now;
  }

  async channelIdForName(workspace: Workspace, name: string): Promise<string | undefined> {
    return (await this.channelNamed(workspace, name))?.id;
  }

  /**
   * May this user have an alert posted in this channel? Public channels: yes. Private ones: only a
   * member (else the sender would learn, and write into, a channel they cannot see). A channel the
   * workspace listing does not show (archived, gone, or private without the bot) is left to posting,
   * which Slack refuses.
   */
  async mayPostAs(workspace: Workspace, channelId: string, userId: string): Promise<boolean> {
    const channel = await this.channelWithId(workspace, channelId);
    if (!channel?.isPrivate) return true;
    return (await this.membersOf(workspace, channel.id)).has(userId);
  }

  async isInUserGroup(groupId: string, userId: string, workspace: Workspace): Promise<boolean> {
    const answer = await (await this.clients.forWorkspace(workspace)).usergroups.users.list({ usergroup: groupId });
    return (answer.users ?? []).includes(userId);
  }

  async isWorkspaceAdmin(userId: string, workspace: Workspace): Promise<boolean> {
    const answer = await (await this.clients.forWorkspace(workspace)).users.info({ user: userId });
    return answer.user?.is_admin === true || answer.user?.is_owner === true;
  }

  private async channelNamed(workspace: Workspace, name: string): Promise<KnownChannel | undefined> {
    return this.lookUp(workspace, (listing) => listing.byName.get(name));
  }

  private async channelWithId(workspace: Workspace, id: string): Promise<KnownChannel | undefined> {
    return this.lookUp(workspace, (listing) => listing.byId.get(id));
  }

  private async lookUp(workspace: Workspace, find: (listing: Listing) => KnownChannel | undefined): Promise<KnownChannel | undefined> {
    const at = this.now().getTime();
    const cached = this.listings.get(workspace.teamId);
    if (cached) {
      const found = find(cached);
      if (found && at - cached.at < CHANNEL_HIT_TTL_MS) return found;
      if (!found && at - cached.at < CHANNEL_MISS_TTL_MS) return undefined;
    }
    return find(await this.freshListing(workspace));
  }

  private freshListing(workspace: Workspace): Promise<Listing> {
    const teamId = workspace.teamId;
    let underWay = this.listingsUnderWay.get(teamId);
    if (!underWay) {
      underWay = this.listChannels(workspace)
        .then((listing) => {
          this.listings.set(teamId, listing);
          return listing;
        })
        .finally(() => this.listingsUnderWay.delete(teamId));
      this.listingsUnderWay.set(teamId, underWay);
    }
    return underWay;
  }

  private async listChannels(workspace: Workspace): Promise<Listing> {
    const client = await this.clients.forWorkspace(workspace);
    const at = this.now().getTime();
    const byName = new Map<string, KnownChannel>();
    const byId = new Map<string, KnownChannel>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await client.conversations.list({
        team_id: workspace.teamId,
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const channel of answer.channels ?? []) {
        if (!channel.id || !channel.name) continue;
        const known = { id: channel.id, isPrivate: channel.is_private === true };
        byName.set(channel.name, known);
        byId.set(channel.id, known);
      }
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return { byName, byId, at };
  }

  /** Every member of a channel, all pages; a channel Slack says is not found has none. */
  private async membersOf(workspace: Workspace, channelId: string): Promise<Set<string>> {
    const at = this.now().getTime();
    const key = `${workspace.teamId}:${channelId}`;
    const cached = this.members.get(key);
    if (cached && at < cached.until) return cached.userIds;
    const userIds = new Set<string>();
    let cursor: string | undefined;
    const client = await this.clients.forWorkspace(workspace);
    try {
      for (let page = 0; page < MAX_MEMBER_PAGES; page++) {
        const answer = await client.conversations.members({ channel: channelId, limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const id of answer.members ?? []) userIds.add(id);
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
    } catch (error) {
      if ((error as { data?: { error?: string } }).data?.error !== 'channel_not_found') throw error;
    }
    this.members.set(key, { userIds, until: at + MEMBERS_TTL_MS });
    return userIds;
  }
}
