/**
 * What the alert rules need to know about a workspace, asked of Slack: a channel's id from its name
 * (conversations.list, cached for a minute), whether a user is in a user group
 * (usergroups.users.list), whether a user is a workspace admin or owner (users.info).
 */
import type { WebClient } from '@slack/web-api';

const CHANNELS_TTL_MS = 60_000;
const MAX_PAGES = 20;

export class SlackDirectory {
  private readonly client: WebClient;
  private readonly now: () => Date;
  private readonly channels = new Map<string, { byName: Map<string, string>; until: number }>();

  constructor(deps: { client: WebClient; now: () => Date }) {
    this.client = deps.client;
    this.now = deps.now;
  }

  async channelIdForName(teamId: string, name: string): Promise<string | undefined> {
    const at = this.now().getTime();
    let cached = this.channels.get(teamId);
    if (!cached || cached.until <= at || !cached.byName.has(name)) {
      cached = { byName: await this.listChannels(teamId), until: at + CHANNELS_TTL_MS };
      this.channels.set(teamId, cached);
    }
    return cached.byName.get(name);
  }

  async isInUserGroup(groupId: string, userId: string): Promise<boolean> {
    const answer = await this.client.usergroups.users.list({ usergroup: groupId });
    return (answer.users ?? []).includes(userId);
  }

  async isWorkspaceAdmin(userId: string): Promise<boolean> {
    const answer = await this.client.users.info({ user: userId });
    return answer.user?.is_admin === true || answer.user?.is_owner === true;
  }

  private async listChannels(teamId: string): Promise<Map<string, string>> {
    const byName = new Map<string, string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.client.conversations.list({
        team_id: teamId,
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const channel of answer.channels ?? []) if (channel.id && channel.name) byName.set(channel.name, channel.id);
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return byName;
  }
}
