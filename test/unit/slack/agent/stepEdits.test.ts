/**
 * The pieces of Edit and of the viewed channel, alone: the Edit modals (as the Slack stand-in checks
 * them against @slack/types), their saves read back through the actions' schemas, the channel in an
 * app_context_changed context, and "tell this channel …".
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInputFrom } from '../../../../src/actions/createCalendarEvent.ts';
import { readAlertForm, readDraftForm, readEventForm } from '../../../../src/slack/agent/stepEditForms.ts';
import { viewedChannelIn } from '../../../../src/slack/agent/viewedChannel.ts';
import { suggestedPrompts, SUGGESTED_PROMPTS } from '../../../../src/slack/agent/prompts.ts';
import { buildDraftEditModal } from '../../../../src/slack/blocks/draftEditModal.ts';
import { buildAlertEditModal, buildEventEditModal } from '../../../../src/slack/blocks/stepEditModals.ts';
import { parseIntent } from '../../../../src/slack/parsing/intent.ts';
import { startSlackApiStandin, type SlackApiStandin } from '../../../standins/slackApi.ts';

const timed = eventInputFrom({
  title: 'Design review',
  when: { kind: 'timed', start: new Date('2026-12-02T14:00:00Z'), end: new Date('2026-12-02T14:30:00Z') },
  timeZone: 'Europe/Berlin',
});
const allDay = eventInputFrom({ title: 'Offsite', when: { kind: 'allDay', date: '2026-12-03', endDate: '2026-12-05' }, timeZone: 'Europe/Berlin' });
const at = (iso: string) => ({ value: { selected_date_time: Date.parse(iso) / 1000 } });

describe('the Edit modals', () => {
  let standin: SlackApiStandin;
  let client: WebClient;
  beforeAll(async () => {
    standin = await startSlackApiStandin({ botToken: 'xoxb-t' });
    client = new WebClient('xoxb-t', { slackApiUrl: standin.url, retryConfig: { retries: 0 } });
  });
  afterAll(() => standin.close());

  it('are modals Slack takes (views.open, then views.update of the same view)', async () => {
    const views = [
      buildEventEditModal({ editId: 'e1', event: timed }),
      buildEventEditModal({ editId: 'e2', event: allDay }),
      buildAlertEditModal({ editId: 'e3', request: { text: 'deploy <!channel> failed', severity: 'warning', channel: 'C0OPS' } }),
      buildDraftEditModal({ editId: 'e4', to: 'Bob <bob@example.com>', text: 'x'.repeat(5000) }),
    ];
    for (const view of views) {
      const opened = await client.views.open({ trigger_id: '1.2.abc', view });
      expect(opened.ok).toBe(true);
      expect((await client.views.update({ view_id: opened.view!.id!, view })).ok).toBe(true);
    }
  });

  it('the stand-in refuses what Slack refuses: a long title, an initial value past max_length, no trigger', async () => {
    const view = buildDraftEditModal({ editId: 'e', to: 'a', text: 'hi' });
    await expect(client.views.open({ trigger_id: '1', view: { ...view, title: { type: 'plain_text', text: 'x'.repeat(25) } } })).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    const input = { ...view.blocks[1], element: { type: 'plain_text_input', action_id: 'a', max_length: 2, initial_value: 'abc' } };
    await expect(client.views.open({ trigger_id: '1', view: { ...view, blocks: [input] } as never })).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    await expect(client.views.update({ view_id: 'V404', view })).rejects.toMatchObject({ data: { error: 'not_found' } });
  });

  it('carry only the edit id in private_metadata, and the event as it is', () => {
    const modal = buildEventEditModal({ editId: 'edit-1', event: timed });
    expect(modal.private_metadata).toBe('edit-1');
    expect(JSON.stringify(modal.blocks)).toContain(String(Date.parse('2026-12-02T14:00:00Z') / 1000));
    // All day: the last day shown, not Google's exclusive end.
    expect(JSON.stringify(buildEventEditModal({ editId: 'e', event: allDay }).blocks)).toContain('"initial_date":"2026-12-04"');
  });
});

describe('a saved Edit, read back through the action schemas', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  it('an event: new title and times, or the field that is wrong', () => {
    const good = readEventForm({ title: { value: { value: ' Moved ' } }, start: at('2026-12-03T09:00:00Z'), end: at('2026-12-03T10:00:00Z') }, timed, now);
    expect(good).toEqual({ ok: true, value: { ...timed, title: 'Moved', when: { kind: 'timed', start: '2026-12-03T09:00:00.000Z', end: '2026-12-03T10:00:00.000Z' } } });
    const backwards = readEventForm({ title: { value: { value: 'x' } }, start: at('2026-12-03T09:00:00Z'), end: at('2026-12-03T08:00:00Z') }, timed, now);
    expect(backwards).toMatchObject({ ok: false, errors: { end: expect.stringContaining('end after') } });
    expect(readEventForm({ title: { value: { value: '' } }, start: at('2026-12-03T09:00:00Z'), end: {} }, timed, now)).toMatchObject({ ok: false, errors: { title: expect.any(String), end: expect.any(String) } });
    const days = readEventForm({ title: { value: { value: 'Offsite' } }, start: { value: { selected_date: '2026-12-10' } }, end: { value: { selected_date: '2026-12-10' } } }, allDay, now);
    expect(days).toMatchObject({ ok: true, value: { when: { kind: 'allDay', date: '2026-12-10', endDate: '2026-12-11' } } });
    const past = readEventForm({ title: { value: { value: 'x' } }, start: at('2026-12-01T11:00:00Z'), end: at('2026-12-01T13:00:00Z') }, timed, now);
    expect(past).toMatchObject({ ok: false, errors: { start: expect.stringContaining('past') } });
    const yesterday = readEventForm({ title: { value: { value: 'x' } }, start: { value: { selected_date: '2026-11-30' } }, end: { value: { selected_date: '2026-12-02' } } }, allDay, now);
    expect(yesterday).toMatchObject({ ok: false, errors: { start: expect.any(String) } });
  });

  it('an alert: its words and channel, a channel that is none refused, empty for the team channel', () => {
    const current = { text: 'old', severity: 'critical' as const, channel: 'C0OPS', mentionChannel: false };
    expect(readAlertForm({ text: { value: { value: 'new words' } }, channel: { value: { value: '' } } }, current)).toEqual({ ok: true, value: { text: 'new words', severity: 'critical', mentionChannel: false } });
    expect(readAlertForm({ text: { value: { value: 'x' } }, channel: { value: { value: '#ops' } } }, current)).toMatchObject({ ok: true, value: { channel: '#ops' } });
    expect(readAlertForm({ text: { value: { value: ' ' } }, channel: { value: { value: 'no way!' } } }, current)).toMatchObject({ ok: false, errors: { text: expect.any(String), channel: expect.any(String) } });
  });

  it('a reply: its words, within what a draft holds', () => {
    expect(readDraftForm({ reply: { text: { value: ' Thursday \u202Eworks ' } } }, 'm1')).toEqual({ ok: true, value: 'Thursday works' });
    expect(readDraftForm({ reply: { text: { value: 'x'.repeat(3001) } } }, 'm1')).toMatchObject({ ok: false, errors: { reply: expect.any(String) } });
  });
});

describe('the viewed channel', () => {
  it('is the most relevant entity naming a channel, or none', () => {
    expect(viewedChannelIn({ entities: [{ type: 'slack#/types/channel_id', value: 'C0ONE' }, { type: 'slack#/types/channel_id', value: 'C0TWO' }] })).toBe('C0ONE');
    expect(viewedChannelIn({ entities: [{ type: 'slack#/types/canvas_id', value: 'F1' }, { type: 'slack#/types/message_context', value: { channel_id: 'G0OLD', message_ts: '1.2' } }] })).toBe('G0OLD');
    expect(viewedChannelIn({ entities: [{ type: 'slack#/types/channel_id', value: 'D0DM' }] })).toBeUndefined();
    expect(viewedChannelIn({})).toBeUndefined();
    expect(viewedChannelIn(undefined)).toBeUndefined();
  });

  it('turns "Alert my team" into "Alert this channel" among the prompts', () => {
    expect(suggestedPrompts(false)).toEqual(SUGGESTED_PROMPTS);
    expect(suggestedPrompts(true).map((p) => p.title)).toEqual([...SUGGESTED_PROMPTS.slice(0, 3).map((p) => p.title), 'Alert this channel']);
    expect(parseIntent(suggestedPrompts(true)[3]!.message, { now: new Date(), timeZone: 'UTC' })).toMatchObject({ kind: 'alert', thisChannel: true });
  });

  it('"tell this channel …" reads as an alert for it; a named channel wins', () => {
    const context = { now: new Date(), timeZone: 'UTC' };
    expect(parseIntent('tell this channel: standup moved', context)).toEqual({ kind: 'alert', text: 'standup moved', severity: 'warning', mentionChannel: false, thisChannel: true });
    expect(parseIntent('alert this channel deploy failed', context)).toMatchObject({ kind: 'alert', text: 'deploy failed', thisChannel: true });
    expect(parseIntent('alert #ops: this channel is on fire', context)).toEqual({ kind: 'alert', text: 'this channel is on fire', severity: 'warning', channel: 'ops', mentionChannel: false });
    expect(parseIntent('tell this: nothing', context)).toEqual({ kind: 'help' });
  });
});
