/**
 * The feedback buttons under an agent answer: a `context_actions` block holding `feedback_buttons`
 * (@slack/types ContextActionsBlock). Each button's value names what was rated (the action's
 * catalogue name, or `agent.answer` for an answer without one), so the press can be recorded with it.
 */
import type { ContextActionsBlock } from '@slack/types';

export const AGENT_FEEDBACK_ACTION = 'agent_feedback';
const RATED = /^(good|bad):([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)$/;

export function buildFeedbackButtons(rated: string): ContextActionsBlock {
  return {
    type: 'context_actions',
    elements: [
      {
        type: 'feedback_buttons',
        action_id: AGENT_FEEDBACK_ACTION,
        positive_button: { text: { type: 'plain_text', text: 'Good answer' }, value: `good:${rated}`, accessibility_label: 'This answer was helpful' },
        negative_button: { text: { type: 'plain_text', text: 'Bad answer' }, value: `bad:${rated}`, accessibility_label: 'This answer was not helpful' },
      },
    ],
  };
}

/** What a press said, or undefined for a value we did not write. */
export function parseFeedback(value: unknown): { verdict: 'good' | 'bad'; rated: string } | undefined {
  const match = typeof value === 'string' ? RATED.exec(value) : null;
  return match ? { verdict: match[1] as 'good' | 'bad', rated: match[2]! } : undefined;
}
