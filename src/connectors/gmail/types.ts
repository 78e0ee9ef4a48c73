/** What the actions get from the Gmail connector: plain data, already decoded, not yet escaped. */

export interface EmailSummary {
  id: string;
  threadId: string;
  /** The From header as sent, decoded from RFC 2047 if needed. */
  from: string;
  subject: string;
  /** From internalDate (more reliable than the Date header); the Date header as a fallback. */
  receivedAt: Date;
  /** Gmail's snippet with HTML entities decoded. */
  snippet: string;
}

export interface UnreadQuery {
  /** How many messages at most. */
  max: number;
  /** Extra Gmail search terms, ANDed with is:unread. */
  search?: string | undefined;
  /** Where to continue: a previous result's nextPageToken. */
  pageToken?: string | undefined;
  /** Aborts the requests in flight and the retries (the user stopped the request). */
  signal?: AbortSignal | undefined;
}

export interface UnreadResult {
  /** The mailbox's own address when Gmail told us, for "Open in Gmail" links that pick the right account. */
  mailbox: string | undefined;
  /** Newest first. */
  emails: EmailSummary[];
  /** Gmail's estimate of how many messages match in total. */
  totalEstimate: number;
  /** Present when more matching messages follow this page. */
  nextPageToken?: string | undefined;
}

export interface GmailApi {
  /**
   * Lists unread messages and reads their headers and snippets: one list call, then one batch
   * call for all of them. Throws UpstreamUnauthorizedError on 401, RateLimitedError or
   * UpstreamUnavailableError after bounded retries.
   */
  listUnread(accessToken: string, query: UnreadQuery): Promise<UnreadResult>;
}
