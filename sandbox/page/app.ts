/**
 * The sandbox page: polls the sandbox for the workspace's state and draws it; the composer, the
 * buttons, the Home tab and the mail form post back to it. Served with its types stripped.
 */
import { escapeHtml, renderBlocks, renderMrkdwn } from './blockKit.ts';

interface Message {
  id: string;
  channel: string;
  ts: string;
  from: 'user' | 'bot' | 'sandbox';
  text: string;
  blocks?: unknown[];
  ephemeral: boolean;
  edited: boolean;
}
interface Channel { id: string; name: string; dm?: boolean }
interface State {
  user: { id: string; name: string; email: string };
  bot: { id: string; name: string };
  channels: Channel[];
  messages: Message[];
  home: { blocks: unknown[] } | null;
  inbox: Array<{ id: string; from: string; subject: string; unread: boolean; date: string }>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let state: State | undefined;
let drawn = '';
let current = 'C0GENERAL';
let tab: 'messages' | 'home' = 'messages';

async function post(path: string, body: unknown): Promise<void> {
  await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  await refresh();
}

async function refresh(): Promise<void> {
  const response = await fetch('/api/state');
  if (!response.ok) return;
  state = (await response.json()) as State;
  draw();
}

function draw(): void {
  if (!state) return;
  const snapshot = JSON.stringify([state, current, tab]);
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
  list.innerHTML = s.messages.filter((m) => m.channel === current).map((m) => drawMessage(m, s)).join('') || '<p class="fine">No messages yet.</p>';
  if (atBottom) list.scrollTop = list.scrollHeight;
  $('inbox').innerHTML = s.inbox
    .slice()
    .reverse()
    .map((m) => `<li class="${m.unread ? 'unread' : 'read'}"><b>${escapeHtml(m.from)}</b><span>${escapeHtml(m.subject)}</span><small>${m.unread ? 'unread' : 'read'}</small></li>`)
    .join('');
}

function drawMessage(m: Message, s: State): string {
  const author = m.from === 'bot' ? s.bot.name : m.from === 'user' ? s.user.name : 'Sandbox';
  const time = new Date(Number(m.ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  const body = m.blocks?.length ? renderBlocks(m.blocks) : renderMrkdwn(m.text);
  const note = m.ephemeral ? '<div class="ephemeral-note">Only visible to you</div>' : '';
  return `<article class="message from-${m.from}${m.ephemeral ? ' ephemeral' : ''}" data-message-id="${escapeHtml(m.id)}">
    <div class="avatar">${escapeHtml(author.slice(0, 1))}</div>
    <div class="content">${note}<div class="meta"><b>${escapeHtml(author)}</b>${m.from === 'bot' ? '<span class="app">APP</span>' : ''}<time>${escapeHtml(time)}</time>${m.edited ? '<span class="edited">(edited)</span>' : ''}</div>
    <div class="body">${body}</div></div></article>`;
}

document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const channelLink = target.closest<HTMLElement>('[data-channel]');
  if (channelLink) {
    event.preventDefault();
    current = channelLink.dataset.channel ?? current;
    draw();
    return;
  }
  const tabButton = target.closest<HTMLElement>('[data-tab]');
  if (tabButton) {
    tab = tabButton.dataset.tab === 'home' ? 'home' : 'messages';
    if (tab === 'home') void post('/api/home', {});
    else draw();
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
    });
  }
});

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>('composer-text');
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  void post('/api/send', { channel: current, text });
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
