/**
 * `npm run sandbox` checked in a real browser: headless Chromium (Debian's `chromium`, driven by
 * puppeteer-core) goes through a newcomer's first run against the real bot process: /unread, the
 * private note and the DM, the connect link, Google's consent, the summary, Mark as read, the
 * Messages tab as an agent conversation (a suggested prompt, the streamed task and summary, the
 * feedback buttons, a follow-up in the thread, its approval card, Approve, a drafted reply edited in
 * the bot's modal and sent), a hostile email shown literally, and the status line while the bot
 * works (Slack's stream start held). Screenshots go to test-results/sandbox/.
 * Skipped, and saying so, where no Chromium is installed (CI installs it: see .ci/run).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page, type Target } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox.ts';

// CHROMIUM_PATH, when set, is the only browser tried (e.g. CHROMIUM_PATH=none to see the skip).
const CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const chromium = CANDIDATES.find((path) => existsSync(path));
const SHOTS = join(import.meta.dirname, '../../test-results/sandbox');
const SKIP_REASON = 'SKIPPED: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH); the sandbox browser test did not run';

if (!chromium) console.warn(SKIP_REASON);

let sandbox: Sandbox | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
}, 60_000);

// Browser-side code as strings: this file is type-checked without the DOM's types.
const inPage = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;
const textOf = (page: Page, selector: string) => inPage<string>(page, `document.querySelector(${JSON.stringify(selector)})?.innerText ?? ''`);
const messagesText = (page: Page) => textOf(page, '#messages');
const waitForText = (page: Page, selector: string, text: string, timeout = 30_000) =>
  page.waitForFunction(`document.querySelector(${JSON.stringify(selector)})?.innerText.includes(${JSON.stringify(text)})`, { timeout });
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

describe('the sandbox in a browser', () => {
  it.skipIf(!chromium)(chromium ? 'takes a newcomer from /unread to a connected, rendered summary' : SKIP_REASON, async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The last step leaves an answer in flight on purpose: closing waits 1 s for it, not the default 10 s.
    sandbox = await startSandbox({ port: 0, settings: { SHUTDOWN_DRAIN_SECONDS: '1' } });
    browser = await puppeteer.launch({
      executablePath: chromium!,
      headless: true,
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 860 });
    try {
      await firstRun(sandbox, browser, page);
    } catch (error) {
      await shot(page, 'failure').catch(() => undefined);
      throw error;
    }
  }, 180_000);
});

async function firstRun(sandbox: Sandbox, browser: Browser, page: Page): Promise<void> {
  await page.goto(sandbox.url);
  await page.waitForSelector('[data-channel="C0GENERAL"]');

  // /unread in #general: a private note, and the connect link in the DM.
  await page.type('#composer-text', '/unread 3');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.message.ephemeral');
  const note = await messagesText(page);
  expect(note).toContain('Only visible to you');
  expect(note).toMatch(/direct message/i);
  await shot(page, '1-unread-note');

  await page.click('[data-channel="DU0SANDBOX"]');
  const link = await page.waitForSelector('a.bk-button[href*="/connect/"]');
  expect(await messagesText(page)).toContain('Connect Gmail');

  // The link opens in a new tab: Sign in with Slack passes as the sandbox user, then Google asks.
  const opened = new Promise<Page>((resolve) => {
    const onTarget = (target: Target) => {
      if (target.type() !== 'page') return;
      browser.off('targetcreated', onTarget);
      void target.page().then((p) => p && resolve(p));
    };
    browser.on('targetcreated', onTarget);
  });
  await link!.click();
  const consent = await opened;
  await consent.setViewport({ width: 900, height: 900 });
  await consent.waitForSelector('button.allow', { timeout: 30_000 });
  const scopes = await inPage<string[]>(consent, `[...document.querySelectorAll('input[name=scope]')].map((i) => i.value)`);
  expect(scopes.some((s) => s.includes('gmail'))).toBe(true);
  expect(await textOf(consent, '.accounts')).toContain('alice@example.com');
  await shot(consent, '2-google-consent');
  await Promise.all([consent.waitForNavigation({ waitUntil: 'load', timeout: 30_000 }), consent.click('button.allow')]);
  expect(consent.url()).toContain(new URL(sandbox.bot.url).host);
  expect(await textOf(consent, 'body')).toMatch(/connected/i);
  await shot(consent, '3-connected');
  await consent.close();

  // The kept request is finished: the summary arrives in the DM.
  await page.bringToFront();
  await waitForText(page, '#messages', 'Quarterly planning: draft agenda');
  const summary = await messagesText(page);
  expect(summary).toContain('Lunch on Friday?');
  expect(summary).not.toContain('This week in TypeScript'); // already read
  expect(summary).toContain('Connected Gmail as alice@example.com'); // the account chosen on the consent page
  await shot(page, '4-summary');

  // Mark as read: the message is updated in place, and the inbox shows the email read.
  const summaryId = await inPage<string>(page, `document.querySelector('.message:has(button.bk-button[data-action-id^="mark_read:"])').dataset.messageId`);
  const buttonsBefore = await page.$$('button.bk-button[data-action-id^="mark_read:"]');
  await buttonsBefore[0]!.click();
  await waitForText(page, '#messages', 'Marked as read');
  const markedId = await inPage<string>(page, `document.querySelector('.message .edited').closest('.message').dataset.messageId`);
  expect(markedId).toBe(summaryId);
  expect(await page.$$('button.bk-button[data-action-id^="mark_read:"]')).toHaveLength(buttonsBefore.length - 1);
  await page.waitForFunction(`[...document.querySelectorAll('#inbox li.read')].some((li) => li.textContent.includes('Quarterly planning'))`, { timeout: 10_000 });
  await shot(page, '5-marked-read');

  // The Home tab: the bot publishes it when opened, with Gmail connected now.
  await page.click('[data-tab="home"]');
  await waitForText(page, '#home', 'Gmail');
  expect(await textOf(page, '#home')).toMatch(/Gmail\s*\S*\s*Connected/);
  await shot(page, '5b-home');

  await agentConversation(sandbox, page);

  // A hostile email: its mentions, link and formatting stay literal text.
  await page.click('#hostile');
  await page.click('#mail-form button[type=submit]');
  await waitForText(page, '#inbox', '<!channel>');
  await page.click('[data-channel="C0GENERAL"]');
  await page.type('#composer-text', '/unread 5');
  await page.keyboard.press('Enter');
  await waitForText(page, '#messages', '<!channel> wire $5,000 to <https://evil.example|your bank> today');
  expect(await messagesText(page)).toContain('Ping <@U0SANDBOX> & <!here>');
  expect(await page.$$('#messages .bk-special')).toHaveLength(0);
  expect(await page.$$('#messages a[href*="evil.example"]')).toHaveLength(0);
  await shot(page, '6-hostile-literal');

  // The status line, while it stands: Slack never answers the stream's start, so the answer
  // never replaces it (last, as that answer stays unfinished).
  await page.click('[data-channel="DU0SANDBOX"]'); // back in the Messages tab: a new conversation
  expect(await inPage<boolean>(page, `document.querySelector('#thread-bar').hidden`)).toBe(true);
  sandbox.slack.failNext('chat.startStream', 1, { hang: true });
  await page.type('#composer-text', 'show me 2 unread emails');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.thread .agent-status', { timeout: 30_000 });
  const status = (await textOf(page, '.thread .agent-status')).replace(/\s+/g, ' ');
  expect(status).toContain('Agent Actions is working on it…');
  expect(status).toMatch(/Reading your message…|Choosing what to do…/);
  const statusThread = await inPage<string>(page, `document.querySelector('.thread .agent-status').closest('.thread').dataset.threadTs`);
  expect(await inPage<string>(page, `document.querySelector('.message[data-ts="${statusThread}"]').innerText`)).toContain('show me 2 unread emails');
  await shot(page, '11-status');
}

/**
 * The bot's Messages tab as Slack's agent surface shows it: opening it brings the suggested prompts;
 * one starts a conversation whose answer streams into its thread (a task, then the summary and the
 * feedback buttons); a follow-up in the thread gets an approval card, and Approve marks the email;
 * a reply is drafted, edited in the modal the bot opens, and sent.
 */
async function agentConversation(sandbox: Sandbox, page: Page): Promise<void> {
  await page.click('[data-tab="messages"]');
  const chip = `[...document.querySelectorAll('#prompts .prompt-chip')].find((b) => b.textContent === "What's unread?" && b.offsetParent !== null)`;
  await page.waitForFunction(chip, { timeout: 15_000 });
  // Gmail held: the answer is seen while it streams, its task still running.
  const release = sandbox.gmail.hold();
  const task = `.thread .message.streamed .bk-task`;
  try {
    await inPage(page, `${chip}.click()`);
    await page.waitForFunction(`[...document.querySelectorAll(${JSON.stringify(task)})].some((t) => t.textContent.includes('Reading your inbox') && t.dataset.status === 'in_progress')`, { timeout: 30_000 });
    expect(await page.$$('.thread .message.streamed .bk-stream-cursor')).toHaveLength(1);
    await shot(page, '7a-agent-streaming');
  } finally {
    release();
  }

  // The prompt's words started a thread; the answer streamed into it: the task done, then the summary.
  await page.waitForFunction(`[...document.querySelectorAll(${JSON.stringify(task)})].some((t) => t.textContent.includes('Reading your inbox') && t.dataset.status === 'complete')`, { timeout: 30_000 });
  const threadTs = await inPage<string>(page, `document.querySelector('.thread .message.streamed').closest('.thread').dataset.threadTs`);
  const root = await inPage<string>(page, `document.querySelector('.message[data-ts="${threadTs}"]').innerText`);
  expect(root).toContain('Show me my 5 newest unread emails');
  const thread = `.thread[data-thread-ts="${threadTs}"]`;
  await waitForText(page, thread, 'Lunch on Friday?');
  const answer = await textOf(page, thread);
  expect(answer).toContain('Nightly build passed');
  expect(answer).not.toContain('Quarterly planning'); // marked read above
  expect(await page.$$(`${thread} .bk-context-actions button.bk-feedback`)).toHaveLength(2);
  expect(await page.$$(`${thread} .bk-stream-cursor`)).toHaveLength(0); // the stream was stopped
  expect(await textOf(page, '#thread-bar')).toContain('Replying in the thread');
  await shot(page, '7b-agent-answer');

  // 👍: the bot thanks the user, privately, in the thread.
  await page.click(`${thread} .bk-feedback[data-value^="good:"]`);
  await waitForText(page, thread, 'Thanks, glad that helped.');

  // A follow-up in the same thread: a card first, and nothing written before Approve.
  await page.type('#composer-text', 'mark the second one as read');
  await page.keyboard.press('Enter');
  const approve = `${thread} button.bk-button[data-action-id="agent_step:approve"]`;
  await page.waitForSelector(approve, { timeout: 30_000 });
  const card = await inPage<string>(page, `document.querySelector(${JSON.stringify(approve)}).closest('.message').innerText`);
  expect(card).toContain('Marco Rossi');
  expect(card).toMatch(/Edit[\s\S]*Cancel/);
  expect(await inPage<boolean>(page, `[...document.querySelectorAll('#inbox li.unread')].some((li) => li.textContent.includes('Lunch on Friday?'))`)).toBe(true);
  await shot(page, '8-approval-card');
  await page.click(approve);
  await page.waitForFunction(`[...document.querySelectorAll('#inbox li.read')].some((li) => li.textContent.includes('Lunch on Friday?'))`, { timeout: 30_000 });
  await waitForText(page, thread, 'Marked as read');
  expect(await page.$$(approve)).toHaveLength(0); // the card was replaced by the decision
  await shot(page, '9-approved');

  // A reply drafted in Gmail: Edit opens the bot's modal; saving it (view_submission) updates the draft.
  await page.type('#composer-text', 'reply to Marco: Friday works for me');
  await page.keyboard.press('Enter');
  await page.waitForSelector(approve, { timeout: 30_000 });
  expect(await textOf(page, thread)).toContain('Friday works for me');
  await page.click(`${thread} button.bk-button[data-action-id="agent_step:edit"]`);
  const field = '#modal textarea[data-block-id="reply"]';
  await page.waitForSelector(field, { visible: true, timeout: 15_000 });
  expect(await textOf(page, '#modal header')).toBe('Edit your reply');
  expect(await inPage<string>(page, `document.querySelector(${JSON.stringify(field)}).value`)).toBe('Friday works for me');
  await page.click(field, { count: 3 });
  await page.keyboard.press('Backspace');
  await page.type(field, 'Friday at noon works for me');
  await shot(page, '10-draft-modal');
  await page.click('#modal .modal-submit');
  await page.waitForSelector('#modal', { hidden: true, timeout: 15_000 });
  // The same card, updated in place, shows the new words and still waits for Send.
  await page.waitForFunction(`document.querySelector(${JSON.stringify(approve)})?.closest('.message').textContent.includes('Friday at noon works for me')`, { timeout: 30_000 });
  expect(await page.$$(approve)).toHaveLength(1);
  expect(sandbox.gmail.drafts.sent).toHaveLength(0);
  await page.click(approve);
  await waitForText(page, thread, 'Sent.');
  expect(sandbox.gmail.drafts.sent).toHaveLength(1);
  expect(sandbox.gmail.drafts.sent[0]!.mime).toContain('Friday at noon works for me');
  expect(sandbox.gmail.drafts.sent[0]!.mime).toMatch(/^To: Marco Rossi <marco@example\.com>\r?$/m);
}
