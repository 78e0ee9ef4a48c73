/**
 * The sandbox page: polls the sandbox for the workspace's state and draws it; the composer, the
 * buttons, the Home tab and the mail form post back to it. The bot's DM is its Messages tab, an
 * agent conversation as Slack's agent surface shows it: suggested prompts, one thread per
 * conversation, a status line while the bot works, answers streamed in, modals. Served with its
 * types stripped.
 */
import { escapeHtml, renderBlocks, renderMrkdwn, renderStream } from './blockKit.ts';

interface Message {
  id: string;
  channel: string;
  ts: string;
  from: 'user' | 'bot' | 'sandbox';
  text: string;
  blocks?: unknown[];
  ephemeral: boolean;
  edited: boolean;
  threadTs?: string;
  stream?: { state: 'streaming' | 'stopped'; chunks: unknown[] };
}
interface Channel { id: string; name: string; dm?: boolean }
interface ThreadStatus { channel: string; threadTs: string; status: string; loadingMessages: string[] }
interface Modal { id: string; revision: number; view: { title?: { text?: string }; submit?: { text?: string }; close?: { text?: string }; blocks?: unknown[] } }
interface State {
  user: { id: string; name: string; email: string };
  bot: { id: string; name: string };
  channels: Channel[];
  messages: Message[];
  home: { blocks: unknown[] } | null;
  statuses: ThreadStatus[];
  prompts: { title?: string; prompts: Array<{ title: string; message: string }> } | null;
  modal: Modal | null;
  inbox: Array<{ id: string; from: string; subject: string; unread: boolean; date: string }>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let state: State | undefined;
let drawn = '';
let drawnModal = '';
let current = 'C0GENERAL';
let tab: 'messages' | 'home' = 'messages';
/** The Messages tab's conversation the composer writes in (its thread's root ts); none: a new one. */
let thread: string | undefined;
/** Follow the conversation to its end on the next draws: the user just wrote or opened it. */
let followUntil = 0;
const follow = () => void (followUntil = Date.now() + 15_000);

async function post(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json().catch(() => ({}))) as unknown;
  await refresh();
  return answer;
}

async function refresh(): Promise<void> {
  const response = await fetch('/api/state');
  if (!response.ok) return;
  state = (await response.json()) as State;
  draw();
}

const isDm = () => Boolean(state?.channels.find((c) => c.id === current)?.dm);

function draw(): void {
  if (!state) return;
  drawModal(state.modal);
  const snapshot = JSON.stringify([state, current, tab, thread]);
  if (snapshot === drawn) return;
  drawn = snapshot;
  const s = state;
  const item = (c: Channel) => `<li><a href="#" data-channel="${escapeHtml(c.id)}" class="${c.id === current ? 'active' : ''}">${escapeHtml(c.name)}</a></li>`;
  $('channels').innerHTML = s.channels.filter((c) => !c.dm).map(item).join('');
  $('apps').innerHTML = s.channels.filter((c) => c.dm).map(item).join('');
  $('me').textContent = `Signed in as ${s.user.name} (${s.user.email})`;
  const channel = s.channels.find((c) => c.id === current);
  $('title').textContent = channel?.name ?? '';
  $('tabs').hidden = !channel?.dm;
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-tab]')) button.classList.toggle('active', button.dataset.tab === tab);
  const showHome = Boolean(channel?.dm) && tab === 'home';
  $('messages').hidden = showHome;
  $('composer').hidden = showHome;
  $('home').hidden = !showHome;
  $('home').innerHTML = s.home ? renderBlocks(s.home.blocks) : '<p class="fine">The Home tab is empty until the bot publishes it.</p>';
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const rows = drawConversation(s);
  patch(list, rows.length ? rows : [{ key: 'empty', html: '<p class="fine" data-key="empty">No messages yet.</p>' }]);
  if (atBottom || Date.now() < followUntil) list.scrollTop = list.scrollHeight;
  drawComposer(s, Boolean(channel?.dm));
  $('inbox').innerHTML = s.inbox
    .slice()
    .reverse()
    .map((m) => `<li class="${m.unread ? 'unread' : 'read'}"><b>${escapeHtml(m.from)}</b><span>${escapeHtml(m.subject)}</span><small>${m.unread ? 'unread' : 'read'}</small></li>`)
    .join('');
}

/**
 * One element of the conversation, keyed; `children` makes it a container (a thread) whose own
 * elements are patched in turn, `html` being then its opening tag only.
 */
interface Row { key: string; html: string; children?: Row[] }

/** The conversation's messages at the top, each followed by its thread (replies, then the bot's status while it works). */
function drawConversation(s: State): Row[] {
  const here = s.messages.filter((m) => m.channel === current);
  const tops = new Set(here.filter((m) => !m.threadTs).map((m) => m.ts));
  // A reply whose root is not shown here stands at the top.
  const isReply = (m: Message) => m.threadTs !== undefined && tops.has(m.threadTs) && m.threadTs !== m.ts;
  const statuses = s.statuses.filter((st) => st.channel === current);
  const dm = isDm();
  const rows = here.filter((m) => !isReply(m)).flatMap((root): Row[] => {
    const replies = here.filter((m) => isReply(m) && m.threadTs === root.ts);
    const status = statuses.find((st) => st.threadTs === root.ts);
    const open = dm && root.from === 'user';
    const inner: Row[] = [
      ...replies.map((m) => ({ key: `m:${m.id}`, html: drawMessage(m, s) })),
      ...(status ? [{ key: 'status', html: drawStatus(status, s) }] : []),
      ...(open
        ? [{ key: 'reply', html: `<button type="button" class="reply-in-thread" data-key="reply" data-reply-to="${escapeHtml(root.ts)}">${thread === root.ts ? 'Writing in this thread' : 'Reply in thread'}</button>` }]
        : []),
    ];
    const shell = `<div class="thread${thread === root.ts ? ' current' : ''}" data-key="t:${escapeHtml(root.ts)}" data-thread-ts="${escapeHtml(root.ts)}">`;
    return [{ key: `m:${root.id}`, html: drawMessage(root, s) }, ...(inner.length ? [{ key: `t:${root.ts}`, html: shell, children: inner }] : [])];
  });
  // A status in a thread this page does not show (e.g. one started elsewhere) still shows.
  const orphans = statuses.filter((st) => !tops.has(st.threadTs)).map((st) => ({ key: `status:${st.threadTs}`, html: drawStatus(st, s, `status:${st.threadTs}`) }));
  return [...rows, ...orphans];
}

const drawnHtml = new WeakMap<Element, string>();

/**
 * Brings `parent`'s elements in line with `rows`, replacing only those whose HTML changed: a message
 * that did not change keeps its element (a button about to be pressed, text being selected).
 */
function patch(parent: HTMLElement, rows: Row[]): void {
  const existing = new Map<string, Element>();
  for (const child of [...parent.children]) {
    const key = (child as HTMLElement).dataset.key;
    if (key === undefined) child.remove();
    else existing.set(key, child);
  }
  let previous: Element | null = null;
  for (const row of rows) {
    let element = existing.get(row.key);
    existing.delete(row.key);
    if (!element || drawnHtml.get(element) !== row.html) {
      const template = document.createElement('template');
      template.innerHTML = row.children ? `${row.html}</div>` : row.html;
      const fresh = template.content.firstElementChild!;
      if (element && row.children) {
        for (const attribute of [...element.attributes]) element.removeAttribute(attribute.name);
        for (const attribute of [...fresh.attributes]) element.setAttribute(attribute.name, attribute.value);
      } else {
        element?.replaceWith(fresh);
        element = fresh;
      }
      drawnHtml.set(element, row.html);
    }
    if (row.children) patch(element as HTMLElement, row.children);
    const expected: Element | null = previous ? previous.nextElementSibling : parent.firstElementChild;
    if (expected !== element) parent.insertBefore(element, expected);
    previous = element;
  }
  for (const gone of existing.values()) gone.remove();
}

/** "Agent Actions is working on it…" with its loading messages, turned over while it stands. */
function drawStatus(status: ThreadStatus, s: State, key = 'status'): string {
  const first = status.loadingMessages[0] ?? '';
  return `<div class="agent-status" data-key="${escapeHtml(key)}" data-thread-ts="${escapeHtml(status.threadTs)}"><span class="dots" aria-hidden="true"></span>` +
    `<b>${escapeHtml(s.bot.name)}</b> <span class="status-text">${escapeHtml(status.status)}</span>` +
    `<span class="loading-message" data-messages="${escapeHtml(JSON.stringify(status.loadingMessages))}">${escapeHtml(first)}</span></div>`;
}

/** In the Messages tab: which conversation the composer writes in, and the suggested prompts for a new one. */
function drawComposer(s: State, dm: boolean): void {
  const messagesTab = dm && tab === 'messages';
  const root = thread ? s.messages.find((m) => m.channel === current && m.ts === thread) : undefined;
  if (thread && !root) thread = undefined;
  $('thread-bar').hidden = !messagesTab || !root;
  $('thread-bar').innerHTML = root
    ? `<span>Replying in the thread of “${escapeHtml(root.text.slice(0, 60))}”</span> <button type="button" id="new-chat">New chat</button>`
    : '';
  const prompts = s.prompts;
  $('prompts').hidden = !messagesTab || !prompts?.prompts.length || Boolean(root);
  $('prompts').innerHTML = prompts
    ? `<span class="prompts-title">${escapeHtml(prompts.title ?? 'Suggested')}</span>` +
      prompts.prompts.map((p) => `<button type="button" class="prompt-chip" data-prompt="${escapeHtml(p.message)}" title="${escapeHtml(p.message)}">${escapeHtml(p.title)}</button>`).join('')
    : '';
  $<HTMLInputElement>('composer-text').placeholder = messagesTab ? (root ? 'Reply…' : `Message ${s.bot.name}`) : 'Message';
}

/** A modal the bot opened: drawn once per view (so typing in it is kept across polls). */
function drawModal(modal: Modal | null): void {
  const drawn = modal ? `${modal.id}:${modal.revision}` : '';
  if (drawn === drawnModal) return;
  drawnModal = drawn;
  const box = $('modal');
  box.hidden = !modal;
  if (!modal) return void (box.innerHTML = '');
  const v = modal.view;
  box.innerHTML = `<form class="modal" data-view-id="${escapeHtml(modal.id)}" role="dialog" aria-modal="true">
    <header>${escapeHtml(v.title?.text ?? '')}</header>
    <div class="modal-body">${renderBlocks(v.blocks ?? [])}</div>
    <footer><button type="button" class="modal-close">${escapeHtml(v.close?.text ?? 'Cancel')}</button>${v.submit ? `<button type="submit" class="modal-submit">${escapeHtml(v.submit.text ?? 'Submit')}</button>` : ''}</footer>
  </form>`;
}

$('modal').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const values: Record<string, Record<string, string>> = {};
  for (const field of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('[data-block-id][data-action-id]')) {
    // A date-and-time picker's local time goes as Unix seconds, as Slack sends selected_date_time.
    const value = field.dataset.elementType === 'datetimepicker' && field.value ? String(Math.floor(new Date(field.value).getTime() / 1000)) : field.value;
    (values[field.dataset.blockId ?? ''] ??= {})[field.dataset.actionId ?? ''] = value;
  }
  void (async () => {
    const answer = (await post('/api/view', { id: form.dataset.viewId, action: 'submit', values })) as { errors?: Record<string, string> };
    for (const [blockId, problem] of Object.entries(answer.errors ?? {})) {
      const slot = form.querySelector(`.bk-input[data-block-id="${CSS.escape(blockId)}"] .bk-input-error`);
      if (slot) slot.textContent = problem;
    }
  })();
});

setInterval(() => {
  // Slack turns the loading messages over while a status stands.
  for (const element of document.querySelectorAll<HTMLElement>('.loading-message')) {
    const messages = JSON.parse(element.dataset.messages ?? '[]') as string[];
    if (messages.length > 1) element.textContent = messages[(messages.indexOf(element.textContent ?? '') + 1) % messages.length] ?? '';
  }
}, 2_000);

function drawMessage(m: Message, s: State): string {
  const author = m.from === 'bot' ? s.bot.name : m.from === 'user' ? s.user.name : 'Sandbox';
  const time = new Date(Number(m.ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  const streamed = m.stream ? renderStream(m.stream.chunks, m.stream.state === 'streaming') : '';
  const body = streamed + (m.blocks?.length ? renderBlocks(m.blocks) : m.stream ? '' : renderMrkdwn(m.text));
  const note = m.ephemeral ? '<div class="ephemeral-note">Only visible to you</div>' : '';
  return `<article class="message from-${m.from}${m.ephemeral ? ' ephemeral' : ''}${m.stream ? ' streamed' : ''}" data-key="m:${escapeHtml(m.id)}" data-message-id="${escapeHtml(m.id)}" data-ts="${escapeHtml(m.ts)}">
    <div class="avatar">${escapeHtml(author.slice(0, 1))}</div>
    <div class="content">${note}<div class="meta"><b>${escapeHtml(author)}</b>${m.from === 'bot' ? '<span class="app">APP</span>' : ''}<time>${escapeHtml(time)}</time>${m.edited ? '<span class="edited">(edited)</span>' : ''}</div>
    <div class="body">${body}</div></div></article>`;
}

/** Opening the bot's Messages tab tells the bot (app_home_opened, tab "messages"), as Slack does. */
function openMessagesTab(): void {
  tab = 'messages';
  draw();
  void post('/api/home', { tab: 'messages' });
}

document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const channelLink = target.closest<HTMLElement>('[data-channel]');
  if (channelLink) {
    event.preventDefault();
    const next = channelLink.dataset.channel ?? current;
    const changed = next !== current;
    current = next;
    if (changed) thread = undefined;
    follow();
    if (changed && isDm() && tab === 'messages') openMessagesTab();
    else draw();
    return;
  }
  const tabButton = target.closest<HTMLElement>('[data-tab]');
  if (tabButton) {
    if (tabButton.dataset.tab === 'home') {
      tab = 'home';
      void post('/api/home', { tab: 'home' });
    } else openMessagesTab();
    return;
  }
  const chip = target.closest<HTMLElement>('.prompt-chip');
  if (chip) {
    // A suggested prompt is sent as its words, starting a conversation of its own.
    thread = undefined;
    void sendMessage(chip.dataset.prompt ?? '');
    return;
  }
  const replyTo = target.closest<HTMLElement>('[data-reply-to]');
  if (replyTo) {
    thread = replyTo.dataset.replyTo;
    draw();
    $('composer-text').focus();
    return;
  }
  if (target.closest('#new-chat')) {
    thread = undefined;
    draw();
    $('composer-text').focus();
    return;
  }
  const modalClose = target.closest<HTMLElement>('.modal-close');
  if (modalClose) {
    void post('/api/view', { id: modalClose.closest<HTMLElement>('[data-view-id]')?.dataset.viewId, action: 'close' });
    return;
  }
  const button = target.closest<HTMLElement>('.bk-button');
  if (button) {
    // A link button opens its page (the browser does that) and still tells the bot, as Slack does.
    if (button.tagName === 'BUTTON') event.preventDefault();
    const messageId = button.closest<HTMLElement>('[data-message-id]')?.dataset.messageId ?? (button.closest('#home') ? 'home' : undefined);
    void post('/api/click', {
      messageId,
      actionId: button.dataset.actionId,
      blockId: button.dataset.blockId,
      value: button.dataset.value,
      url: button.getAttribute('href') ?? undefined,
      label: button.textContent ?? '',
      elementType: button.dataset.elementType,
    });
  }
});

/** What the user typed, in this conversation; in the Messages tab, in its thread (a new one starts one). */
async function sendMessage(text: string): Promise<void> {
  if (!text.trim()) return;
  follow();
  const inThread = isDm() && tab === 'messages' && thread ? { threadTs: thread } : {};
  const answer = (await post('/api/send', { channel: current, text, ...inThread })) as { threadTs?: string };
  if (isDm() && answer.threadTs) {
    thread = answer.threadTs;
    draw();
  }
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>('composer-text');
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  void sendMessage(text);
});

const mailForm = $<HTMLFormElement>('mail-form');
$('hostile').addEventListener('click', () => {
  (mailForm.elements.namedItem('subject') as HTMLInputElement).value = '<!channel> wire $5,000 to <https://evil.example|your bank> today';
  (mailForm.elements.namedItem('snippet') as HTMLTextAreaElement).value = 'Ping <@U0SANDBOX> & <!here>: reply with your password';
});
mailForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const field = (name: string) => (mailForm.elements.namedItem(name) as HTMLInputElement).value;
  void post('/api/mail', { from: field('from'), subject: field('subject'), snippet: field('snippet') });
});

void refresh();
setInterval(() => void refresh(), 700);
