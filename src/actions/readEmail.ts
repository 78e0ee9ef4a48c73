/**
 * Use cases for an agent's plan that only look at mail: searching the user's whole mailbox (read
 * or not) with Gmail's search syntax, and reading one email's text. What they find is for the model
 * and the user's own DM only.
 */
import { z } from 'zod';
import { withAccessToken } from '../agentAuth/withAccessToken.ts';
import type { AgentAuth } from '../agentAuth/port.ts';
import type { EmailText, GmailReadApi } from '../connectors/gmail/readMessages.ts';
import type { EmailSummary } from '../connectors/gmail/types.ts';

export const SEARCH_EMAIL_ACTION = 'gmail.search';
export const READ_EMAIL_ACTION = 'gmail.read';
export const MAX_SEARCH = 10;

export const searchEmailInputSchema = z.object({
  query: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe('Gmail search terms, e.g. "from:alice subject:offsite" or "from:bob invoice newer_than:30d".'),
  count: z.number().int().min(1).max(MAX_SEARCH).default(5).describe('How many of the newest matches to list (5 when unsure).'),
});
export type SearchEmailInput = z.infer<typeof searchEmailInputSchema>;

export const readEmailInputSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/).describe('The id of an email a search or the unread list returned.'),
});
export type ReadEmailInput = z.infer<typeof readEmailInputSchema>;

export class ReadEmail {
  private readonly agentAuth: AgentAuth;
  private readonly gmail: GmailReadApi;
  readonly connection: string;

  constructor(deps: { agentAuth: AgentAuth; gmail: GmailReadApi; connection: string }) {
    this.agentAuth = deps.agentAuth;
    this.gmail = deps.gmail;
    this.connection = deps.connection;
  }

  async search(identifier: string, input: SearchEmailInput, signal?: AbortSignal): Promise<{ emails: EmailSummary[] }> {
    const valid = searchEmailInputSchema.parse(input);
    const emails = await withAccessToken(this.agentAuth, { connection: this.connection, identifier }, (token) =>
      this.gmail.search(token, { q: valid.query, max: valid.count, signal }),
    );
    return { emails };
  }

  async read(identifier: string, input: ReadEmailInput, signal?: AbortSignal): Promise<EmailText> {
    const valid = readEmailInputSchema.parse(input);
    return withAccessToken(this.agentAuth, { connection: this.connection, identifier }, (token) => this.gmail.read(token, valid.id, signal));
  }
}
