/**
 * A team alert: what someone asks for (`alertRequestSchema`, produced by `/alert`, the mention parser
 * and the LLM's tool alike) and what is stored once it is accepted (`NewAlert`). The text is the
 * sender's plain text as they saw it; it is escaped when shown, never trusted as markup.
 */
import { z } from 'zod';
import type { SlackUser } from '../../core/slackUser.ts';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** "Send an alert" with no severity is meant to be noticed, not filed away. */
export const DEFAULT_SEVERITY: Severity = 'warning';
export const ALERT_TEXT_MAX = 2000;

// Channel ids are upper case (C… public, G… older private ones); names are lower case, up to 80
// characters, letters of any script, digits, hyphens, underscores and periods.
const CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;
const CHANNEL_NAME = /^[\p{Ll}\p{Lo}\p{N}_][\p{Ll}\p{Lo}\p{N}\p{M}._-]{0,79}$/u;

export type ChannelRef = { kind: 'id'; id: string } | { kind: 'name'; name: string };

/** `C0123ABC` is an id; `ops` or `#ops` is a name; anything else is not a channel. */
export function channelRef(text: string): ChannelRef | undefined {
  const bare = text.trim().replace(/^#/, '');
  if (CHANNEL_ID.test(bare)) return { kind: 'id', id: bare };
  if (CHANNEL_NAME.test(bare)) return { kind: 'name', name: bare };
  return undefined;
}

export const alertRequestSchema = z.object({
  channel: z
    .string()
    .refine((value) => channelRef(value) !== undefined, 'is not a channel id or name')
    .optional()
    .describe('The channel to post in: a name such as "ops" or an id such as C0123ABC. Leave out for the team channel.'),
  severity: z.enum(SEVERITIES).default(DEFAULT_SEVERITY).describe('How urgent: critical, warning or info.'),
  text: z.string().trim().min(1).max(ALERT_TEXT_MAX).describe('The alert text, as the user wrote it.'),
  mentionChannel: z
    .boolean()
    .optional()
    .describe('True only when the user explicitly asked to notify everyone in the channel (@channel).'),
});
export type AlertRequest = z.infer<typeof alertRequestSchema>;

/** An accepted alert, as stored before the first attempt to post it. */
export interface NewAlert {
  raisedBy: SlackUser;
  channelId: string;
  severity: Severity;
  text: string;
  /** Allowed and asked for: the message notifies the whole channel. */
  mentionChannel: boolean;
  createdAt: Date;
}
