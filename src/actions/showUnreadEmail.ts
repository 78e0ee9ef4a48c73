/** Use case: "show me my unread email" for one connected account. */
import { z } from 'zod';
import { withAccessToken } from '../agentAuth/withAccessToken.ts';
import type { AgentAuth } from '../agentAuth/port.ts';
import type { GmailApi, UnreadResult } from '../connectors/gmail/types.ts';

export const MAX_UNREAD = 25;
export const DEFAULT_UNREAD = 5;

export const unreadInputSchema = z.object({
  count: z.number().int().min(1).max(MAX_UNREAD),
  search: z.string().max(500).optional(),
  /** "Show more": Gmail's token for the page to list, and how many of that page were shown already. */
  pageToken: z.string().regex(/^[\w.~-]{1,512}$/).optional(),
  skip: z.number().int().min(0).max(MAX_UNREAD).optional(),
});

export type UnreadInput = z.infer<typeof unreadInputSchema>;

export class ShowUnreadEmail {
  private readonly agentAuth: AgentAuth;
  private readonly gmail: GmailApi;
  readonly connection: string;

  constructor(deps: { agentAuth: AgentAuth; gmail: GmailApi; connection: string }) {
    this.agentAuth = deps.agentAuth;
    this.gmail = deps.gmail;
    this.connection = deps.connection;
  }

  async run(identifier: string, input: UnreadInput, signal?: AbortSignal): Promise<UnreadResult> {
    const valid = unreadInputSchema.parse(input);
    const result = await withAccessToken(this.agentAuth, { connection: this.connection, identifier }, (token) =>
      this.gmail.listUnread(token, { max: valid.count, search: valid.search, pageToken: valid.pageToken, ...(signal ? { signal } : {}) }),
    );
    return valid.skip ? { ...result, emails: result.emails.slice(valid.skip) } : result;
  }
}
