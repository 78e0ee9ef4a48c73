/** Use case: "Mark as read" on emails from the unread summary, through the user's Gmail connection. */
import { z } from 'zod';
import { withAccessToken } from '../agentAuth/withAccessToken.ts';
import type { AgentAuth } from '../agentAuth/port.ts';
import type { GmailModifyApi } from '../connectors/gmail/markAsRead.ts';
import { MAX_UNREAD } from './showUnreadEmail.ts';

export const MARK_READ_ACTION = 'gmail.mark_read';

export const markReadInputSchema = z.object({
  ids: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,256}$/)).min(1).max(MAX_UNREAD),
});
export type MarkReadInput = z.infer<typeof markReadInputSchema>;

export class MarkEmailRead {
  private readonly agentAuth: AgentAuth;
  private readonly gmail: GmailModifyApi;
  readonly connection: string;

  /** `connection` is Gmail's: the same account the summary was read from, now with gmail.modify. */
  constructor(deps: { agentAuth: AgentAuth; gmail: GmailModifyApi; connection: string }) {
    this.agentAuth = deps.agentAuth;
    this.gmail = deps.gmail;
    this.connection = deps.connection;
  }

  async run(identifier: string, input: MarkReadInput): Promise<{ marked: number }> {
    const valid = markReadInputSchema.parse(input);
    await withAccessToken(this.agentAuth, { connection: this.connection, identifier }, (token) => this.gmail.markAsRead(token, valid.ids));
    return { marked: new Set(valid.ids).size };
  }
}
