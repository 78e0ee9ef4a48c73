/**
 * The audit log through the real bot: every action taken for a user (unread email, a calendar event,
 * a team alert, one that needed authorization) is recorded, `/actions-log` shows the user their
 * own entries privately, and no content (searches, subjects, titles, alert text) reaches the table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/infrastructure/storage/openDatabase.ts';
import { startHarness, type Harness } from '../helpers/botHarness.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';

let h: Harness;
let dir: string;
const isResponse = (url: string) => (a: Arrival): a is RecordedResponse => a.kind === 'response' && url.endsWith(a.path);
const isCall = (method: string, match: (c: RecordedCall) => boolean) => (a: Arrival): a is RecordedCall =>
  a.kind === 'call' && a.method === method && match(a);
const SECRETS = ['SecretSubjectLine', 'secret-sender', 'SecretMeetingTitle', 'SecretAlertText'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-'));
  h = await startHarness({ DATABASE_URL: join(dir, 'db'), TEAM_ALERT_CHANNEL: 'C0ALERTS', AUDIT_RETENTION_DAYS: '30' });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the audit log', () => {
  it('records each action and shows the user their own entries, never the content', async () => {
    h.activate('U0AUD');
    h.activateCalendar('U0AUD');
    h.gmail.addMessage({ from: 'S <secret-sender@example.com>', subject: 'SecretSubjectLine', date: new Date(), snippet: 'x' });
    const unread = await h.unread('U0AUD', '3 from:secret-sender');
    await h.answerOf(unread);
    const event = await h.command('/event', 'U0AUD', 'tomorrow 9am called SecretMeetingTitle');
    await h.slack.waitFor(isResponse(event.responseUrl));
    await h.command('/alert', 'U0AUD', 'SecretAlertText');
    await h.slack.waitFor(isCall('chat.postMessage', (c) => c.body.channel === 'C0ALERTS'));
    const unconnected = await h.command('/event', 'U0OTHER', 'friday 10am called Another');
    await h.slack.waitFor(isResponse(unconnected.responseUrl));

    const log = await h.command('/actions-log', 'U0AUD', '');
    const shown = await h.slack.waitFor(isResponse(log.responseUrl));
    const text = JSON.stringify(shown.body);
    expect(text).toContain('Showed your unread email');
    expect(text).toContain('Created a calendar event');
    expect(text).toContain('Raised a team alert');
    expect(shown.body).toMatchObject({ response_type: 'ephemeral' });
    // How far back it reaches, from AUDIT_RETENTION_DAYS.
    expect(text).toContain('Showing your last 3 actions; entries are kept for 30 days.');
    for (const secret of SECRETS) expect(text).not.toContain(secret);

    const other = await h.command('/actions-log', 'U0OTHER', '');
    const otherShown = JSON.stringify((await h.slack.waitFor(isResponse(other.responseUrl))).body);
    expect(otherShown).toContain('needed your authorization');
    expect(otherShown).not.toContain('Showed your unread email');

    const nobody = await h.command('/actions-log', 'U0NOBODY', '');
    const nobodyShown = JSON.stringify((await h.slack.waitFor(isResponse(nobody.responseUrl))).body);
    expect(nobodyShown).toContain("I haven't done anything on your behalf in the last 30 days");

    await h.bot.stop(5_000);
    const db = await openDatabase(join(dir, 'db'));
    try {
      const rows = await db.query<Record<string, unknown>>('SELECT * FROM audit_log');
      expect(rows.map((r) => r.action).sort()).toEqual(['alert.raise', 'calendar.create_event', 'calendar.create_event', 'unread.list']);
      const table = JSON.stringify(rows);
      for (const secret of SECRETS) expect(table).not.toContain(secret);
    } finally {
      await db.close();
    }
  });
});
