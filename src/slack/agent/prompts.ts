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
