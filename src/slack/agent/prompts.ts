/**
 * What the Messages tab offers before anyone types: the same four prompts as manifest.yml's
 * `features.agent_view.suggested_prompts` (a unit test keeps the two equal). Slack shows at most four.
 */
export const SUGGESTED_PROMPTS_TITLE = 'Try one of these';

export const SUGGESTED_PROMPTS: ReadonlyArray<{ title: string; message: string }> = [
  { title: "What's unread?", message: 'Show me my 5 newest unread emails' },
  { title: 'Add an event tomorrow at 3pm', message: 'Add an event tomorrow at 3pm called Design review' },
  { title: 'Unread from someone', message: 'Any unread mail from alice?' },
  { title: 'Alert my team', message: 'Alert the team: deploy failed' },
];

/** The fourth prompt while the user views a channel beside the agent (app_context_changed). */
export const VIEWED_CHANNEL_PROMPT = { title: 'Alert this channel', message: 'Alert this channel: deploy failed' } as const;

/** The prompts to show: with a channel in view, "Alert my team" becomes "Alert this channel". */
export function suggestedPrompts(viewingChannel: boolean): Array<{ title: string; message: string }> {
  return viewingChannel ? [...SUGGESTED_PROMPTS.slice(0, 3), VIEWED_CHANNEL_PROMPT] : [...SUGGESTED_PROMPTS];
}
