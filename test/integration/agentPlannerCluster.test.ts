/**
 * A chat model's plan continued by another instance: the plan (its messages so far and the pending
 * tool call) is kept with the thread's state in the shared PostgreSQL database, so the Approve
 * pressed on the second instance runs the step there and the plan goes on from where the first left it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { sendBlockAction, sendEvent } from '../helpers/slackRequests.ts';
import { startCalendarStandin, type CalendarStandin } from '../standins/calendarStandin.ts';
import { startLlmStandin, type LlmStandin } from '../standins/llmStandin.ts';

const USER = 'U0PLANTWO';
const DM = `D${USER}`;
let cluster: Cluster;
let calendar: CalendarStandin;
let llm: LlmStandin;

beforeAll(async () => {
  llm = await startLlmStandin();
  calendar = await startCalendarStandin();
  cluster = await startCluster(2, {
    LLM_BASE_URL: llm.url, LLM_API_KEY: 'sk-plan-cluster-key-0123456789', LLM_MODEL: 'standin-model', CALENDAR_API_URL: calendar.url,
  });
}, 120_000);
afterAll(async () => {
  await cluster?.close();
  await calendar?.close();
  await llm?.close();
});

describe("a chat model's plan across instances", () => {
  it('the plan proposed on the first instance is approved on the second, which runs the step and lets the model finish', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    cluster.scalekit.setAccount('gmail', `slack:T:${TEAM}:${USER}`, { status: 'ACTIVE', accessToken: 'ya29.plan-gmail', expiresAt });
    cluster.gmail.allowToken('ya29.plan-gmail');
    cluster.scalekit.setAccount('googlecalendar', `slack:T:${TEAM}:${USER}`, { status: 'ACTIVE', accessToken: 'ya29.plan-calendar', expiresAt });
    calendar.allowToken('ya29.plan-calendar');
    cluster.gmail.addMessage({
      id: 'offsite0000000001', from: 'Alice <alice@example.com>', subject: 'Team offsite', date: new Date(Date.now() - 86_400_000), snippet: 'offsite', unread: false,
      text: 'How about Friday 10 December for the team offsite? Please bring hiking boots.',
    });
    llm.replayConversation('plan-offsite');

    const stops = () => cluster.slack.calls.filter((c) => c.method === 'chat.stopStream');
    const ts = `${Math.floor(Date.now() / 1000)}.000001`;
    const message = { type: 'message', channel: DM, channel_type: 'im', user: USER, text: 'find the email from Alice about the offsite and put the date it proposes in my calendar', ts, team: TEAM };
    await sendEvent(`${cluster.instances[0]!.url}/slack/events`, SIGNING_SECRET, message, { eventId: 'EvPlanTwo1', teamId: TEAM });
    await cluster.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream', 15_000);
    const card = stops().at(-1)!;
    const approve = (card.body.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'agent_step:approve');
    expect(approve?.value).toBeDefined();
    expect(llm.requests).toHaveLength(3);
    expect(calendar.events).toEqual([]);

    await sendBlockAction(`${cluster.instances[1]!.url}/slack/events`, SIGNING_SECRET, {
      actionId: 'agent_step:approve', value: approve!.value!, userId: USER, teamId: TEAM, channelId: DM, messageTs: String(card.body.ts),
    });
    await cluster.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && a.body.ts !== card.body.ts, 15_000);
    expect(calendar.events).toHaveLength(1);
    expect(calendar.events[0]).toMatchObject({ summary: 'Team offsite', start: { date: '2027-12-10' } });
    // The second instance sent the model the whole conversation so far, and the step's result.
    expect(llm.problems).toEqual([]);
    expect(llm.requests).toHaveLength(4);
    expect(llm.requests[3]!.body.messages!.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool']);
    expect(cluster.instances[1]!.logs.lines.some((line) => line.includes('agent plan ended'))).toBe(true);
    const answer = stops().at(-1)!;
    expect(JSON.stringify(cluster.slack.agent.streams.get(String(answer.body.ts))?.chunks)).toContain('she proposes Friday 10 December');
  });
});
