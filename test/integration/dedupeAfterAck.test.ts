/**
 * The dedupe of replayed commands and button presses is decided after the ack: with a delivery
 * log whose answer is held open, our receiver still acknowledges, and the listener's work waits
 * for the log's answer (runs on a first delivery, not on a replay). Real sockets, our receiver, Bolt.
 */
import { App } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackgroundTasks } from '../../src/infrastructure/backgroundTasks.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { isRepeatedDelivery } from '../../src/slack/afterAck.ts';
import { dedupeDeliveries, type DeliveryLog } from '../../src/slack/listeners/dedupeDeliveries.ts';
import { unreadCommand } from '../../src/slack/listeners/commands/unread.ts';
import { SlackReceiver } from '../../src/slack/receiver/slackReceiver.ts';
import type { RequestRunner } from '../../src/slack/requestRunner.ts';
import { freePort } from '../helpers/freePort.ts';
import { LogCapture } from '../helpers/logCapture.ts';
import { sendSlashCommand } from '../helpers/slackRequests.ts';

const SECRET = 'dedupe-after-ack-secret';

/** Each firstSeen stays unanswered until the test answers it. */
class HeldDeliveryLog implements DeliveryLog {
  readonly asked: Array<{ key: string; answer: (first: boolean) => void }> = [];
  private notify: (() => void) | undefined;

  firstSeen(key: string): Promise<boolean> {
    return new Promise((resolve) => {
      this.asked.push({ key, answer: resolve });
      this.notify?.();
    });
  }

  async nextAsked(count: number): Promise<void> {
    while (this.asked.length < count) await new Promise<void>((resolve) => (this.notify = resolve));
  }
}

/** Waits until `done()` holds, checked again whenever `poke` is called. */
function signal() {
  let wake: () => void = () => {};
  return {
    poke: () => wake(),
    until: async (done: () => boolean) => {
      while (!done()) await new Promise<void>((resolve) => (wake = resolve));
    },
  };
}

let receiver: SlackReceiver;
let url: string;
let store: HeldDeliveryLog;
let logs: LogCapture;
const worked: string[] = [];
const unreadRuns: string[] = [];
const errors: unknown[] = [];
const progress = signal();

beforeEach(async () => {
  worked.length = 0;
  unreadRuns.length = 0;
  errors.length = 0;
  logs = new LogCapture();
  const logger = createLogger({ level: 'info', destination: logs.stream });
  store = new HeldDeliveryLog();
  const port = await freePort();
  receiver = new SlackReceiver({ signingSecret: SECRET, routes: [], logger, port });
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-dedupe', botId: 'B0BOT', botUserId: 'U0BOT' }) });
  app.use(dedupeDeliveries(store, logger, () => new Date()));
  app.command('/work', async ({ ack, command }) => {
    await ack();
    worked.push(command.text);
    progress.poke();
  });
  const runner = {
    run: async (_user: unknown, _request: unknown, reply: { send(m: { text: string }): Promise<void> }) => {
      unreadRuns.push('ran');
      progress.poke();
      await reply.send({ text: 'your unread mail' });
    },
  } as unknown as RequestRunner;
  app.command('/unread', unreadCommand({ runner, tasks: new BackgroundTasks(logger), respondTo: () => async () => {}, inlineAnswerMs: 60_000 }));
  app.error(async (error) => {
    if (!isRepeatedDelivery(error)) errors.push(error);
  });
  await app.start();
  url = `http://127.0.0.1:${port}/slack/events`;
});

afterEach(async () => {
  await receiver.stop();
});

const send = (command: string, text: string, triggerId: string) =>
  sendSlashCommand(url, SECRET, { command, text, userId: 'U1', teamId: 'T1', channelId: 'C1', responseUrl: 'https://hooks.slack.test/commands/1', triggerId });

describe('the dedupe of replayed commands is decided after the ack', () => {
  it('the ack arrives while the delivery log has not answered; the work runs once it answers', async () => {
    const sent = await send('/work', 'first', 'T.held.1');
    expect(sent.status).toBe(200);
    expect(store.asked.map((a) => a.key)).toEqual(['trigger:T.held.1']);
    expect(worked).toEqual([]);
    store.asked[0]!.answer(true);
    await progress.until(() => worked.length === 1);
    expect(worked).toEqual(['first']);
    expect(errors).toEqual([]);
  });

  it('a replay is acknowledged while the log has not answered, and its work does not run once it says repeat', async () => {
    const replay = await send('/work', 'replayed', 'T.held.2');
    expect(replay.status).toBe(200);
    store.asked[0]!.answer(false);
    // A later first delivery marks when the replay's work would have run.
    const fresh = await send('/work', 'marker', 'T.held.3');
    expect(fresh.status).toBe(200);
    store.asked[1]!.answer(true);
    await progress.until(() => worked.length === 1);
    expect(worked).toEqual(['marker']);
    expect(logs.text).toContain('skipped a repeated command or button press');
    expect(errors).toEqual([]);
  });

  it('/unread, whose work starts before its ack, does not read the mail of a replay', async () => {
    const replay = send('/unread', '', 'T.held.4');
    await store.nextAsked(1);
    expect(unreadRuns).toEqual([]);
    store.asked[0]!.answer(false);
    const answered = await replay;
    expect(answered.status).toBe(200);
    expect(answered.body).toBe('');
    const first = send('/unread', '', 'T.held.5');
    await store.nextAsked(2);
    expect(unreadRuns).toEqual([]);
    store.asked[1]!.answer(true);
    const inline = await first;
    expect(JSON.parse(inline.body)).toMatchObject({ response_type: 'ephemeral', text: 'your unread mail' });
    expect(unreadRuns).toEqual(['ran']);
    expect(errors).toEqual([]);
  });
});
