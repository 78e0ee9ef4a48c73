/**
 * Use case: reply to an email, in two steps the user sees apart. `draft` puts the reply in the
 * user's Gmail as a draft in the original's thread (nothing is sent); `send` sends that draft, and
 * `discard` deletes it. The agent shows the draft with Send, Edit and Discard, and sends only on Send.
 */
import { z } from 'zod';
import { withAccessToken } from '../agentAuth/withAccessToken.ts';
import type { AgentAuth } from '../agentAuth/port.ts';
import type { GmailDraftsApi } from '../connectors/gmail/drafts.ts';
import { buildReplyMime } from '../connectors/gmail/replyMime.ts';

export const DRAFT_REPLY_ACTION = 'gmail.draft_reply';
export const SEND_DRAFT_ACTION = 'gmail.send_draft';
export const DISCARD_DRAFT_ACTION = 'gmail.discard_draft';
export const UPDATE_DRAFT_ACTION = 'gmail.update_draft';
/** Slack's plain_text_input holds at most 3,000 characters: the Edit modal must fit the whole reply. */
export const REPLY_TEXT_MAX = 3000;

const gmailId = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/);
export const draftReplyInputSchema = z.object({ messageId: gmailId, text: z.string().trim().min(1).max(REPLY_TEXT_MAX) });
export const draftIdInputSchema = z.object({ draftId: gmailId });
export const updateDraftInputSchema = draftReplyInputSchema.extend({ draftId: gmailId });
export type UpdateDraftInput = z.infer<typeof updateDraftInputSchema>;
export type DraftReplyInput = z.infer<typeof draftReplyInputSchema>;

export interface DraftedReply {
  draftId: string;
  to: string;
  subject: string;
  text: string;
}

export class ReplyToEmail {
  private readonly agentAuth: AgentAuth;
  private readonly gmail: GmailDraftsApi;
  readonly connection: string;

  constructor(deps: { agentAuth: AgentAuth; gmail: GmailDraftsApi; connection: string }) {
    this.agentAuth = deps.agentAuth;
    this.gmail = deps.gmail;
    this.connection = deps.connection;
  }

  async draft(identifier: string, input: DraftReplyInput): Promise<DraftedReply> {
    const valid = draftReplyInputSchema.parse(input);
    return withAccessToken(this.agentAuth, { connection: this.connection, identifier }, async (token) => {
      const { original, raw } = await this.replyTo(token, valid.messageId, valid.text);
      const { draftId } = await this.gmail.createDraft(token, { raw, threadId: original.threadId });
      return { draftId, to: original.to, subject: original.subject, text: valid.text };
    });
  }

  /**
   * New words for a draft (Edit): the same draft is updated, built again from the original so it
   * stays in its thread with In-Reply-To and References.
   */
  async redraft(identifier: string, input: UpdateDraftInput): Promise<DraftedReply> {
    const valid = updateDraftInputSchema.parse(input);
    return withAccessToken(this.agentAuth, { connection: this.connection, identifier }, async (token) => {
      const { original, raw } = await this.replyTo(token, valid.messageId, valid.text);
      await this.gmail.updateDraft(token, valid.draftId, { raw, threadId: original.threadId });
      return { draftId: valid.draftId, to: original.to, subject: original.subject, text: valid.text };
    });
  }

  /** The reply's MIME message, threaded with the original (In-Reply-To, References). */
  private async replyTo(token: string, messageId: string, text: string) {
    const original = await this.gmail.replyContext(token, messageId);
    const raw = await buildReplyMime({
      to: original.to,
      subject: original.subject,
      text,
      inReplyTo: original.messageIdHeader,
      references: original.references,
    });
    return { original, raw };
  }

  async send(identifier: string, input: { draftId: string }): Promise<{ sent: true }> {
    const { draftId } = draftIdInputSchema.parse(input);
    await withAccessToken(this.agentAuth, { connection: this.connection, identifier }, (token) => this.gmail.sendDraft(token, draftId));
    return { sent: true };
  }

  async discard(identifier: string, input: { draftId: string }): Promise<{ discarded: true }> {
    const { draftId } = draftIdInputSchema.parse(input);
    await withAccessToken(this.agentAuth, { connection: this.connection, identifier }, (token) => this.gmail.deleteDraft(token, draftId));
    return { discarded: true };
  }
}
