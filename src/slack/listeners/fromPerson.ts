/**
 * Only people drive the bot. A message written by a bot or an integration (an RSS bridge relaying
 * "alert the team: …"), or an edit, a deletion or any other subtype, is not a command, even when it
 * mentions the bot: whoever controls the feed would otherwise speak with the bot's rights.
 */
export interface MessageAuthor {
  user?: unknown;
  bot_id?: unknown;
  bot_profile?: unknown;
  subtype?: unknown;
}

export function isFromPerson(event: MessageAuthor, botUserId?: string): boolean {
  if (event.bot_id !== undefined && event.bot_id !== null && event.bot_id !== '') return false;
  if (event.bot_profile !== undefined && event.bot_profile !== null) return false;
  if (event.subtype !== undefined && event.subtype !== null && event.subtype !== '') return false;
  if (typeof event.user !== 'string' || event.user === '') return false;
  return botUserId === undefined || event.user !== botUserId;
}
