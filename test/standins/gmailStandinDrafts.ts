/**
 * Gmail drafts for the Gmail stand-in (https://developers.google.com/gmail/api/reference/rest/v1/users.drafts):
 * drafts.create (`{message: {raw, threadId}}`, raw being the RFC 2822 message in base64url),
 * drafts.update, drafts.send (`{id}`), drafts.delete. Scope: gmail.compose (a read-only grant is
 * refused with 403 insufficientPermissions, as Gmail does).
 */
import { googleError, type ApiAnswer } from './gmailStandinMailbox.ts';

export interface StoredDraft {
  id: string;
  threadId: string | undefined;
  /** The decoded RFC 2822 text the bot built. */
  mime: string;
}

export interface GmailDrafts {
  drafts: Map<string, StoredDraft>;
  /** Drafts sent, in order. */
  sent: StoredDraft[];
  /** Answers the drafts paths; undefined for any other path. */
  handle(method: string, rest: string[], body: string): ApiAnswer | undefined;
  clear(): void;
}

export function gmailDrafts(): GmailDrafts {
  const drafts = new Map<string, StoredDraft>();
  const sent: StoredDraft[] = [];
  let counter = 0;
  const readMessage = (body: string): { mime: string; threadId: string | undefined } | ApiAnswer => {
    let parsed: { message?: { raw?: unknown; threadId?: unknown } };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return googleError(400, 'parseError', 'Invalid JSON payload received.');
    }
    const raw = parsed.message?.raw;
    if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]+=*$/.test(raw)) return googleError(400, 'invalidArgument', "'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    const mime = Buffer.from(raw, 'base64url').toString('utf8');
    if (!/^to:/im.test(mime)) return googleError(400, 'invalidArgument', 'Invalid To header');
    return { mime, threadId: typeof parsed.message?.threadId === 'string' ? parsed.message.threadId : undefined };
  };
  const shape = (draft: StoredDraft) => ({ id: draft.id, message: { id: `m-${draft.id}`, threadId: draft.threadId ?? `t-${draft.id}`, labelIds: ['DRAFT'] } });
  return {
    drafts,
    sent,
    handle(method, rest, body) {
      if (rest[0] !== 'drafts') return undefined;
      if (method === 'POST' && rest.length === 1) {
        const read = readMessage(body);
        if ('status' in read) return read;
        const draft = { id: `r${++counter}`, ...read };
        drafts.set(draft.id, draft);
        return { status: 200, body: shape(draft) };
      }
      if (method === 'POST' && rest.length === 2 && rest[1] === 'send') {
        let id: unknown;
        try {
          id = (JSON.parse(body) as { id?: unknown }).id;
        } catch {
          return googleError(400, 'parseError', 'Invalid JSON payload received.');
        }
        const draft = typeof id === 'string' ? drafts.get(id) : undefined;
        if (!draft) return googleError(404);
        drafts.delete(draft.id);
        sent.push(draft);
        return { status: 200, body: { id: `s-${draft.id}`, threadId: draft.threadId ?? `t-${draft.id}`, labelIds: ['SENT'] } };
      }
      if (method === 'PUT' && rest.length === 2) {
        const existing = drafts.get(rest[1]!);
        if (!existing) return googleError(404);
        const read = readMessage(body);
        if ('status' in read) return read;
        const draft = { id: existing.id, ...read };
        drafts.set(draft.id, draft);
        return { status: 200, body: shape(draft) };
      }
      if (method === 'DELETE' && rest.length === 2) {
        if (!drafts.delete(rest[1]!)) return googleError(404);
        return { status: 204, body: '' };
      }
      return googleError(404);
    },
    clear() {
      drafts.clear();
      sent.length = 0;
    },
  };
}
