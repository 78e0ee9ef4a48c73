/** A chat model's proposal as an Intent: checked again, and never the one to turn on @channel. */
import { describe, expect, it } from 'vitest';
import type { LlmActionChooser, ProposedAction } from '../../../../src/actions/llm/chooseAction.ts';
import { llmIntent } from '../../../../src/slack/parsing/llmIntent.ts';

const context = { now: new Date('2026-11-25T12:00:00Z'), timeZone: 'Europe/Berlin' };
const proposing = (proposal: ProposedAction | undefined) => ({ propose: async () => proposal }) as unknown as LlmActionChooser;

describe('llmIntent', () => {
  it('turns an event proposal into an event read by the when parser', async () => {
    const intent = await llmIntent(proposing({ action: 'event', input: { title: 'Design review', when: 'tomorrow at 3pm' } }))('<@U0BOT> x', context);
    expect(intent).toMatchObject({ kind: 'event', title: 'Design review', whenText: 'tomorrow at 3pm', when: { kind: 'timed' } });
  });

  it('keeps @channel off unless the user typed it', async () => {
    const alert: ProposedAction = { action: 'alert', input: { severity: 'critical', text: 'db down', mentionChannel: true } };
    expect(await llmIntent(proposing(alert))('<@U0BOT> tell everyone the db is down', context)).toMatchObject({ kind: 'alert', mentionChannel: false });
    expect(await llmIntent(proposing(alert))('<@U0BOT> @channel the db is down', context)).toMatchObject({ kind: 'alert', mentionChannel: true });
  });

  it('leaves the answer to the parser when the model proposes nothing', async () => {
    expect(await llmIntent(proposing(undefined))('<@U0BOT> hi', context)).toBeUndefined();
  });
});
