/**
 * A small Block Kit renderer for the sandbox page: blocks and mrkdwn in, HTML out, shown the way
 * Slack shows them. Pure string work (no DOM), so it runs in the browser and in unit tests alike.
 *
 * Everything that came from the bot is HTML-escaped before any markup is added: mrkdwn's own
 * escaping (`&lt;!channel&gt;`) shows as the literal text `<!channel>`, as it does in Slack.
 * Covered: header, section (text, fields, button or image accessory), context, divider, actions
 * (buttons), image, context_actions (feedback and icon buttons), input (a text field, for modals),
 * and a plain fallback for anything else; and the agent's streamed answers (chat.startStream's
 * chunks: Markdown text, a task list with each task's status, plan titles, blocks).
 */
import type {
  ActionsBlock, AnyChunk, Button, ContextActionsBlock, ContextBlock, FeedbackButtons, HeaderBlock, IconButton, InputBlock, KnownBlock,
  PlainTextInput, SectionBlock, TaskUpdateChunk,
} from '@slack/types';

export interface RenderOptions {
  /** The viewer's time zone for `<!date^…>` tokens (default: the runtime's own). */
  timeZone?: string;
  /** "Today"/"Yesterday" are relative to this (default: now). */
  now?: Date;
}

interface TextObject { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean; verbatim?: boolean }

const EMOJI: Record<string, string> = {
  white_check_mark: '✅', email: '📧', envelope: '✉️', incoming_envelope: '📨', calendar: '📅', date: '📅',
  warning: '⚠️', lock: '🔒', key: '🔑', link: '🔗', wave: '👋', mailbox: '📫', mailbox_with_mail: '📬',
  mailbox_with_no_mail: '📭', hourglass: '⌛', hourglass_flowing_sand: '⏳', x: '❌', bell: '🔔',
  information_source: 'ℹ️', tada: '🎉', rotating_light: '🚨', loudspeaker: '📢', mega: '📣',
  inbox_tray: '📥', memo: '📝', robot_face: '🤖', no_entry: '⛔', eyes: '👀', zzz: '💤', outbox_tray: '📤',
  white_circle: '⚪', large_green_circle: '🟢', large_orange_circle: '🟠', red_circle: '🔴', wastebasket: '🗑️', raised_hand: '✋',
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Slack's own escaping of `&`, `<`, `>` undone: what the reader sees. */
function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function emojify(html: string): string {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

export function renderBlocks(blocks: readonly unknown[] | undefined, options: RenderOptions = {}): string {
  return (blocks ?? []).map((block) => renderBlock(block as KnownBlock, options)).join('');
}

function renderBlock(block: KnownBlock, options: RenderOptions): string {
  switch (block.type) {
    case 'header':
      return `<div class="bk-header">${renderText((block as HeaderBlock).text, options)}</div>`;
    case 'divider':
      return '<hr class="bk-divider">';
    case 'section':
      return renderSection(block as SectionBlock, options);
    case 'context':
      return `<div class="bk-context">${(block as ContextBlock).elements.map((element) => renderContextElement(element, options)).join('')}</div>`;
    case 'actions':
      return `<div class="bk-actions" data-block-id="${escapeHtml(block.block_id ?? '')}">${(block as ActionsBlock).elements.map((element) => renderElement(element, block.block_id, options)).join('')}</div>`;
    case 'context_actions':
      return `<div class="bk-context-actions">${(block as ContextActionsBlock).elements.map((element) => renderContextAction(element, block.block_id)).join('')}</div>`;
    case 'input':
      return renderInput(block as InputBlock, options);
    case 'image':
      return `<div class="bk-image"><img src="${escapeHtml(safeUrl((block as { image_url?: string }).image_url ?? ''))}" alt="${escapeHtml(block.alt_text)}"></div>`;
    default:
      return `<div class="bk-unsupported">[${escapeHtml(String((block as { type?: unknown }).type))} block]</div>`;
  }
}

function renderSection(block: SectionBlock, options: RenderOptions): string {
  const text = block.text ? `<div class="bk-text">${renderText(block.text, options)}</div>` : '';
  const fields = block.fields?.length
    ? `<div class="bk-fields">${block.fields.map((field) => `<div class="bk-field">${renderText(field, options)}</div>`).join('')}</div>`
    : '';
  const accessory = block.accessory ? `<div class="bk-accessory">${renderElement(block.accessory, block.block_id, options)}</div>` : '';
  return `<div class="bk-section"><div class="bk-body">${text}${fields}</div>${accessory}</div>`;
}

function renderContextElement(element: unknown, options: RenderOptions): string {
  const e = element as { type: string; image_url?: string; alt_text?: string };
  if (e.type === 'image') return `<img class="bk-context-image" src="${escapeHtml(safeUrl(e.image_url ?? ''))}" alt="${escapeHtml(e.alt_text ?? '')}">`;
  return `<span>${renderText(element as TextObject, options)}</span>`;
}

/** Buttons carry what a click sends back (block_actions); a URL button also opens its link. */
function renderElement(element: unknown, blockId: string | undefined, options: RenderOptions): string {
  const e = element as { type: string };
  if (e.type === 'image') {
    const image = element as { image_url?: string; alt_text?: string };
    return `<img class="bk-accessory-image" src="${escapeHtml(safeUrl(image.image_url ?? ''))}" alt="${escapeHtml(image.alt_text ?? '')}">`;
  }
  if (e.type !== 'button') return `<span class="bk-unsupported">[${escapeHtml(e.type)}]</span>`;
  const button = element as Button;
  const style = button.style ? ` bk-button-${button.style === 'danger' ? 'danger' : 'primary'}` : '';
  const data =
    `data-action-id="${escapeHtml(button.action_id ?? '')}" data-value="${escapeHtml(button.value ?? '')}" ` +
    `data-block-id="${escapeHtml(blockId ?? '')}"`;
  const label = renderText(button.text, options);
  if (button.url) {
    return `<a class="bk-button${style}" href="${escapeHtml(safeUrl(button.url))}" target="_blank" rel="noopener" ${data}>${label}</a>`;
  }
  return `<button type="button" class="bk-button${style}" ${data}>${label}</button>`;
}

/** The 👍 / 👎 under an agent answer: a click sends the pressed one's value (element type feedback_buttons). */
function renderContextAction(element: FeedbackButtons | IconButton, blockId: string | undefined): string {
  const data = (actionId: string | undefined, value: string | undefined, type: string) =>
    `data-action-id="${escapeHtml(actionId ?? '')}" data-value="${escapeHtml(value ?? '')}" data-block-id="${escapeHtml(blockId ?? '')}" data-element-type="${type}"`;
  if (element.type === 'feedback_buttons') {
    const button = (b: FeedbackButtons['positive_button'], icon: string) =>
      `<button type="button" class="bk-button bk-feedback" ${data(element.action_id, b.value, 'feedback_buttons')} title="${escapeHtml(b.accessibility_label ?? b.text.text)}">${icon} ${escapeHtml(b.text.text)}</button>`;
    return button(element.positive_button, '👍') + button(element.negative_button, '👎');
  }
  if (element.type === 'icon_button') {
    return `<button type="button" class="bk-button bk-icon-button" ${data(element.action_id, element.value, 'icon_button')}>${escapeHtml(element.text.text)}</button>`;
  }
  return `<span class="bk-unsupported">[${escapeHtml(String((element as { type?: unknown }).type))}]</span>`;
}

/**
 * An input block's field (a modal's), named `block_id/action_id` so a submit can say which is which:
 * a text field, or the browser's own date and date-and-time pickers (a datetimepicker's value is
 * local time in the browser; the page sends it as Unix seconds, as Slack does).
 */
function renderInput(block: InputBlock, options: RenderOptions): string {
  const element = block.element as PlainTextInput;
  const label = `<span class="bk-label">${renderText(block.label, options)}</span>`;
  const picker = renderPicker(block);
  if (picker !== undefined) return `<label class="bk-input" data-block-id="${escapeHtml(block.block_id ?? '')}">${label}${picker}<span class="bk-input-error"></span></label>`;
  if (element.type !== 'plain_text_input') return `<label class="bk-input">${label}<span class="bk-unsupported">[${escapeHtml(String(element.type))}]</span></label>`;
  const attributes =
    `name="${escapeHtml(`${block.block_id ?? ''}/${element.action_id ?? ''}`)}" data-block-id="${escapeHtml(block.block_id ?? '')}" ` +
    `data-action-id="${escapeHtml(element.action_id ?? '')}"${element.max_length ? ` maxlength="${element.max_length}"` : ''}` +
    `${block.optional ? '' : ' required'}`;
  const value = escapeHtml(element.initial_value ?? '');
  const field = element.multiline ? `<textarea rows="4" ${attributes}>${value}</textarea>` : `<input ${attributes} value="${value}">`;
  return `<label class="bk-input" data-block-id="${escapeHtml(block.block_id ?? '')}">${label}${field}<span class="bk-input-error"></span></label>`;
}

function renderPicker(block: InputBlock): string | undefined {
  const element = block.element as { type: string; action_id?: string; initial_date?: string; initial_date_time?: number };
  if (element.type !== 'datepicker' && element.type !== 'datetimepicker') return undefined;
  const named =
    `name="${escapeHtml(`${block.block_id ?? ''}/${element.action_id ?? ''}`)}" data-block-id="${escapeHtml(block.block_id ?? '')}" ` +
    `data-action-id="${escapeHtml(element.action_id ?? '')}" data-element-type="${element.type}"${block.optional ? '' : ' required'}`;
  if (element.type === 'datepicker') return `<input type="date" ${named} value="${escapeHtml(element.initial_date ?? '')}">`;
  const at = element.initial_date_time === undefined ? undefined : new Date(element.initial_date_time * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const local = at ? `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}` : '';
  return `<input type="datetime-local" ${named} value="${local}">`;
}

const TASK_ICONS: Record<TaskUpdateChunk['status'], string> = { pending: '○', in_progress: '◐', complete: '✓', error: '✗' };

/**
 * A streamed answer as it stands: its chunks in order, Markdown text run together, the tasks of a
 * run of task updates as one list in which a later update with the same id replaces the task in
 * place; `streaming` while chat.stopStream has not come yet.
 */
export function renderStream(chunks: readonly unknown[], streaming: boolean, options: RenderOptions = {}): string {
  type Part = { kind: 'text'; text: string } | { kind: 'tasks'; title?: string; tasks: Map<string, TaskUpdateChunk> } | { kind: 'html'; html: string };
  const parts: Part[] = [];
  const tasksById = new Map<string, Map<string, TaskUpdateChunk>>();
  for (const raw of chunks) {
    const chunk = raw as AnyChunk;
    const last = parts.at(-1);
    if (chunk.type === 'markdown_text') {
      if (last?.kind === 'text') last.text += chunk.text;
      else parts.push({ kind: 'text', text: chunk.text });
    } else if (chunk.type === 'task_update') {
      const list = tasksById.get(chunk.id) ?? (last?.kind === 'tasks' ? last.tasks : undefined);
      if (list) list.set(chunk.id, chunk);
      else parts.push({ kind: 'tasks', tasks: new Map([[chunk.id, chunk]]) });
      tasksById.set(chunk.id, list ?? (parts.at(-1) as { tasks: Map<string, TaskUpdateChunk> }).tasks);
    } else if (chunk.type === 'plan_update') {
      if (last?.kind === 'tasks' && last.tasks.size === 0) last.title = chunk.title;
      else parts.push({ kind: 'tasks', title: chunk.title, tasks: new Map() });
    } else if (chunk.type === 'blocks') {
      parts.push({ kind: 'html', html: renderBlocks(chunk.blocks, options) });
    }
  }
  const html = parts.map((part) => {
    if (part.kind === 'text') return `<div class="bk-stream-text">${renderMarkdown(part.text)}</div>`;
    if (part.kind === 'html') return part.html;
    const title = part.title ? `<div class="bk-plan-title">${escapeHtml(part.title)}</div>` : '';
    return `<div class="bk-tasks">${title}<ul>${[...part.tasks.values()].map(renderTask).join('')}</ul></div>`;
  });
  return `<div class="bk-stream${streaming ? ' bk-streaming' : ''}">${html.join('')}${streaming ? '<span class="bk-stream-cursor" aria-label="still writing"></span>' : ''}</div>`;
}

function renderTask(task: TaskUpdateChunk): string {
  const status = TASK_ICONS[task.status] ? task.status : 'pending';
  const more = [task.details, task.output].filter((text): text is string => Boolean(text)).map((text) => `<div class="bk-task-detail">${renderMarkdown(text)}</div>`).join('');
  const sources = task.sources?.length
    ? `<div class="bk-task-sources">${task.sources.map((source) => `<a href="${escapeHtml(safeUrl(source.url))}" target="_blank" rel="noopener">${escapeHtml(source.text)}</a>`).join(' ')}</div>`
    : '';
  return `<li class="bk-task bk-task-${status}" data-task-id="${escapeHtml(task.id)}" data-status="${status}"><span class="bk-task-icon">${TASK_ICONS[status]}</span>` +
    `<span class="bk-task-title">${escapeHtml(task.title)}</span>${more}${sources}</li>`;
}

/**
 * A stream's `markdown_text` (Markdown, not mrkdwn): **bold**, *italics* or _italics_, ~~strike~~,
 * `code`, fenced code, [links](https://…), `- ` lists and `>` quotes. Everything is escaped first.
 */
export function renderMarkdown(source: string): string {
  const code: string[] = [];
  const withoutCode = source
    .replace(/```[^\n]*\n?([\s\S]*?)```/g, (_w, text: string) => stash(code, `<pre class="bk-pre">${escapeHtml(text)}</pre>`))
    .replace(/`([^`\n]+)`/g, (_w, text: string) => stash(code, `<code>${escapeHtml(text)}</code>`));
  const inline = (line: string) =>
    escapeHtml(line)
      .replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (_w, label: string, url: string) => `<a href="${escapeHtml(safeUrl(url.replace(/&amp;/g, '&')))}" target="_blank" rel="noopener">${label}</a>`)
      .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, '<b>$1</b>')
      .replace(/~~(?=\S)([^~\n]*?\S)~~/g, '<s>$1</s>')
      .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1<i>$2</i>')
      .replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])/g, '$1<i>$2</i>');
  const html: string[] = [];
  let list = false;
  for (const line of withoutCode.split('\n')) {
    const item = /^\s*[-*•]\s+(.*)$/.exec(line);
    if (item && !list) html.push('<ul>');
    if (!item && list) html.push('</ul>');
    list = Boolean(item);
    const quote = /^>\s?(.*)$/.exec(line);
    if (item) html.push(`<li>${inline(item[1]!)}</li>`);
    else if (quote) html.push(`<blockquote>${inline(quote[1]!)}</blockquote>`);
    else html.push(`${inline(line)}<br>`);
  }
  if (list) html.push('</ul>');
  return emojify(html.join('').replace(/(<br>)+$/, '').replace(/<\/blockquote><blockquote>/g, '<br>'))
    .replace(/\u0001(\d+)\u0001/g, (_w, index: string) => code[Number(index)] ?? '');
}

export function renderText(text: TextObject | undefined, options: RenderOptions = {}): string {
  if (!text) return '';
  if (text.type === 'plain_text') {
    const escaped = escapeHtml(text.text);
    return text.emoji === false ? escaped : emojify(escaped);
  }
  return renderMrkdwn(text.text, options);
}

const CONTROL = /<([^<>]*)>/g;
const PLACEHOLDER = /\u0000(\d+)\u0000/g;

/**
 * mrkdwn as Slack shows it. `<…>` control sequences (links, mentions, dates) are taken out first
 * and put back as HTML once the rest is escaped and formatted, so a bold link stays a bold link.
 */
export function renderMrkdwn(source: string, options: RenderOptions = {}): string {
  const controls: string[] = [];
  const withPlaceholders = source.replace(CONTROL, (_whole, inner: string) => {
    controls.push(renderControl(inner, options));
    return `\u0000${controls.length - 1}\u0000`;
  });
  const codeBlocks: string[] = [];
  // Code first: nothing inside backticks is formatted.
  const withoutCode = withPlaceholders
    .replace(/```([\s\S]*?)```/g, (_w, code: string) => stash(codeBlocks, `<pre class="bk-pre">${escapeHtml(decodeSlackEntities(code))}</pre>`))
    .replace(/`([^`\n]+)`/g, (_w, code: string) => stash(codeBlocks, `<code>${escapeHtml(decodeSlackEntities(code))}</code>`));
  const lines = withoutCode.split('\n').map((line) => {
    const quote = /^(?:>|&gt;)\s?(.*)$/.exec(line);
    const body = formatInline(escapeHtml(decodeSlackEntities(quote ? quote[1]! : line)));
    return quote ? `<blockquote>${body}</blockquote>` : body;
  });
  const html = lines.join('<br>').replace(/<\/blockquote><br><blockquote>/g, '<br>');
  return emojify(html)
    .replace(/\u0001(\d+)\u0001/g, (_w, index: string) => codeBlocks[Number(index)] ?? '')
    .replace(PLACEHOLDER, (_w, index: string) => controls[Number(index)] ?? '');
}

function stash(store: string[], html: string): string {
  store.push(html);
  return `\u0001${store.length - 1}\u0001`;
}

function formatInline(html: string): string {
  return html
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1<b>$2</b>')
    .replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])/g, '$1<i>$2</i>')
    .replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])/g, '$1<s>$2</s>');
}

/** One `<…>` sequence: a link, a user/channel mention, a special mention or a date. */
function renderControl(inner: string, options: RenderOptions): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  const shown = (fallback: string) => escapeHtml(decodeSlackEntities(label ?? fallback));
  if (target.startsWith('@')) return `<span class="bk-mention">@${shown(target.slice(1))}</span>`;
  if (target.startsWith('#')) return `<span class="bk-mention">#${shown(target.slice(1))}</span>`;
  if (target.startsWith('!date^')) return renderDate(target, label, options);
  if (target.startsWith('!subteam^')) return `<span class="bk-mention">@${shown(target.slice('!subteam^'.length))}</span>`;
  if (target.startsWith('!')) return `<span class="bk-mention bk-special">@${escapeHtml(target.slice(1))}</span>`;
  const href = safeUrl(decodeSlackEntities(target));
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${shown(target.replace(/^mailto:/, ''))}</a>`;
}

/** Only web and mail links are followed; anything else (javascript:, data:) becomes inert. */
function safeUrl(url: string): string {
  return /^(https?:|mailto:)/i.test(url) ? url : '#';
}

/** `<!date^unix^{date_short_pretty} at {time}^optional_link|fallback>` in the viewer's time zone. */
function renderDate(target: string, fallback: string | undefined, options: RenderOptions): string {
  const [, seconds, format = '', link] = target.split('^');
  const when = new Date(Number(seconds) * 1000);
  if (!seconds || Number.isNaN(when.getTime())) return escapeHtml(decodeSlackEntities(fallback ?? ''));
  const zone = options.timeZone;
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-US', { ...o, ...(zone ? { timeZone: zone } : {}) }).format(when);
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(zone ? { timeZone: zone } : {}) }).format(d);
  const now = options.now ?? new Date();
  const relative = (absolute: string) => {
    if (day(when) === day(now)) return 'Today';
    if (day(when) === day(new Date(now.getTime() - 86_400_000))) return 'Yesterday';
    if (day(when) === day(new Date(now.getTime() + 86_400_000))) return 'Tomorrow';
    return absolute;
  };
  const tokens: Record<string, () => string> = {
    date_num: () => day(when),
    date: () => fmt({ month: 'long', day: 'numeric', year: 'numeric' }),
    date_short: () => fmt({ month: 'short', day: 'numeric', year: 'numeric' }),
    date_long: () => fmt({ weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }),
    date_pretty: () => relative(fmt({ month: 'long', day: 'numeric', year: 'numeric' })),
    date_short_pretty: () => relative(fmt({ month: 'short', day: 'numeric', year: 'numeric' })),
    date_long_pretty: () => relative(fmt({ weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' })),
    time: () => fmt({ hour: 'numeric', minute: '2-digit' }),
    time_secs: () => fmt({ hour: 'numeric', minute: '2-digit', second: '2-digit' }),
  };
  const text = format.replace(/\{(\w+)\}/g, (whole, name: string) => tokens[name]?.() ?? whole);
  const html = `<time datetime="${when.toISOString()}">${escapeHtml(decodeSlackEntities(text))}</time>`;
  return link ? `<a href="${escapeHtml(safeUrl(link))}" target="_blank" rel="noopener">${html}</a>` : html;
}
