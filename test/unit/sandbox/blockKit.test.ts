/**
 * The sandbox page's Block Kit renderer, fed blocks typed with @slack/types (so the shapes are
 * Slack's) and the bot's own unread summary, feedback buttons and draft modal: each block type,
 * mrkdwn, the agent's streamed answers (Markdown text, task lists), and untrusted text that must
 * stay literal.
 */
import type { ActionsBlock, AnyChunk, ContextBlock, DividerBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderBlocks, renderMarkdown, renderMrkdwn, renderStream } from '../../../sandbox/page/blockKit.ts';
import { buildFeedbackButtons } from '../../../src/slack/blocks/agentFeedback.ts';
import { buildDraftEditModal } from '../../../src/slack/blocks/draftEditModal.ts';
import { buildEventEditModal } from '../../../src/slack/blocks/stepEditModals.ts';
import { buildUnreadSummary } from '../../../src/slack/blocks/unreadSummary.ts';

const BERLIN = { timeZone: 'Europe/Berlin', now: new Date('2026-03-02T12:00:00Z') };
/** What a reader sees: tags dropped, HTML entities decoded. */
const shown = (html: string) =>
  html.replace(/<br>/g, '\n').replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('blocks', () => {
  it('renders a header as plain text, escaping markup', () => {
    const header: HeaderBlock = { type: 'header', text: { type: 'plain_text', text: 'Mail from <b>"Eve"</b> :email:', emoji: true } };
    const html = renderBlocks([header]);
    expect(html).toContain('class="bk-header"');
    expect(html).toContain('&lt;b&gt;&quot;Eve&quot;&lt;/b&gt;');
    expect(html).toContain('📧');
    expect(html).not.toContain('<b>');
  });

  it('renders a section with text, fields and a button accessory carrying what a click sends', () => {
    const section: SectionBlock = {
      type: 'section',
      block_id: 'email-1',
      text: { type: 'mrkdwn', text: '*Bob* wrote', verbatim: true },
      fields: [{ type: 'mrkdwn', text: '*From*\nbob@example.com' }, { type: 'plain_text', text: 'Today' }],
      accessory: { type: 'button', text: { type: 'plain_text', text: 'Open' }, action_id: 'open_in_gmail:1', value: 'v"1' },
    };
    const html = renderBlocks([section]);
    expect(html).toContain('<b>Bob</b> wrote');
    expect(html.match(/class="bk-field"/g)).toHaveLength(2);
    expect(html).toContain('<b>From</b><br>bob@example.com');
    expect(html).toMatch(/<button type="button" class="bk-button" data-action-id="open_in_gmail:1" data-value="v&quot;1" data-block-id="email-1">Open<\/button>/);
  });

  it('renders context, divider and actions with styled, link and plain buttons', () => {
    const context: ContextBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: '_note_' }, { type: 'image', image_url: 'https://example.com/i.png', alt_text: 'icon' }] };
    const divider: DividerBlock = { type: 'divider' };
    const actions: ActionsBlock = {
      type: 'actions',
      block_id: 'acts',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Connect' }, style: 'primary', url: 'https://bot.example/connect/abc', action_id: 'authorize_connection' },
        { type: 'button', text: { type: 'plain_text', text: 'Delete' }, style: 'danger', action_id: 'del', value: 'x' },
        { type: 'button', text: { type: 'plain_text', text: 'Mark as read' }, action_id: 'mark_read:1', value: '1' },
      ],
    };
    const html = renderBlocks([context, divider, actions] satisfies KnownBlock[]);
    expect(html).toContain('<div class="bk-context"><span><i>note</i></span><img class="bk-context-image" src="https://example.com/i.png" alt="icon"></div>');
    expect(html).toContain('<hr class="bk-divider">');
    expect(html).toContain('<a class="bk-button bk-button-primary" href="https://bot.example/connect/abc" target="_blank"');
    expect(html).toContain('class="bk-button bk-button-danger"');
    expect(html).toMatch(/<button type="button" class="bk-button" data-action-id="mark_read:1" data-value="1" data-block-id="acts">Mark as read<\/button>/);
  });

  it('shows an unknown block as such instead of dropping it', () => {
    expect(renderBlocks([{ type: 'video', alt_text: 'x' } as unknown as KnownBlock])).toContain('[video block]');
  });
});

describe('mrkdwn', () => {
  it('formats bold, italics, strike, code, code blocks and quotes', () => {
    expect(renderMrkdwn('*bold* _it_ ~gone~ `a*b*c`')).toBe('<b>bold</b> <i>it</i> <s>gone</s> <code>a*b*c</code>');
    expect(renderMrkdwn('```\n*not bold*\n```')).toBe('<pre class="bk-pre">\n*not bold*\n</pre>');
    expect(renderMrkdwn('&gt; quoted\n&gt; still\nafter')).toBe('<blockquote>quoted<br>still</blockquote><br>after');
    expect(renderMrkdwn('snake_case_name and 2*3*4')).toBe('snake_case_name and 2*3*4');
  });

  it('renders links, mentions and special mentions that the bot sent as markup', () => {
    const html = renderMrkdwn('See *<https://example.com/a?b=1&amp;c=2|the docs>*, <mailto:a@b.c|a@b.c>, <@U123|alice>, <#C1|general> <!here>');
    expect(html).toContain('<b><a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener">the docs</a></b>');
    expect(html).toContain('<a href="mailto:a@b.c"');
    expect(html).toContain('<span class="bk-mention">@alice</span>');
    expect(html).toContain('<span class="bk-mention">#general</span>');
    expect(html).toContain('<span class="bk-mention bk-special">@here</span>');
  });

  it('makes a link to anything but the web or mail inert', () => {
    expect(renderMrkdwn('<javascript:alert(1)|click>')).toContain('href="#"');
  });

  it('shows escaped text literally: no mention, no link, no markup', () => {
    const hostile = '&lt;!channel&gt; pay &lt;https://evil.example|your bank&gt; <script>alert(1)</script>'.replace('<script>', '&lt;script&gt;').replace('</script>', '&lt;/script&gt;');
    const html = renderMrkdwn(hostile);
    expect(html).not.toContain('bk-special');
    expect(html).not.toContain('<a ');
    expect(html).not.toContain('<script');
    expect(shown(html)).toBe('<!channel> pay <https://evil.example|your bank> <script>alert(1)</script>');
  });

  it("renders <!date^…> in the viewer's time zone, with Today and Yesterday", () => {
    const today = Date.parse('2026-03-02T08:05:00Z') / 1000; // 09:05 in Berlin
    const yesterday = Date.parse('2026-03-01T20:00:00Z') / 1000;
    expect(shown(renderMrkdwn(`<!date^${today}^{date_short_pretty} at {time}|2026-03-02 08:05 UTC>`, BERLIN))).toBe('Today at 9:05 AM');
    expect(shown(renderMrkdwn(`<!date^${yesterday}^{date_short_pretty}|x>`, BERLIN))).toBe('Yesterday');
    expect(shown(renderMrkdwn(`<!date^${today}^{date_num}|x>`, { timeZone: 'America/New_York' }))).toBe('2026-03-02');
    expect(shown(renderMrkdwn('<!date^nonsense^{time}|the fallback>'))).toBe('the fallback');
  });
});

describe("the bot's own unread summary", () => {
  it('renders a hostile email from buildUnreadSummary literally', () => {
    const summary = buildUnreadSummary({
      requested: 3,
      result: {
        mailbox: 'alice@example.com',
        totalEstimate: 1,
        emails: [{
          id: '18f0a',
          threadId: '18f0a',
          from: 'Mallory <mallory@example.com>',
          subject: '<!channel> wire $5,000 to <https://evil.example|your bank>',
          receivedAt: new Date(BERLIN.now.getTime() - 60_000),
          snippet: 'Ping <@U0SANDBOX> & <!here>',
        }],
      },
    });
    const html = renderBlocks(summary.blocks, BERLIN);
    const text = shown(html);
    expect(text).toContain('<!channel> wire $5,000 to <https://evil.example|your bank>');
    expect(text).toContain('Ping <@U0SANDBOX> & <!here>');
    expect(text).toContain('Today at');
    expect(html).not.toContain('bk-special');
    expect(html).not.toContain('evil.example"');
  });

  it('escapes what it draws: escapeHtml covers the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

/** A task's status as drawn, by its id. */
const taskStatuses = (html: string) => [...html.matchAll(/data-task-id="([^"]*)" data-status="([^"]*)"/g)].map((m) => [m[1], m[2]]);

describe("the agent's streamed answers", () => {
  it('draws a run of task updates as one list, a later update of an id replacing that task in place', () => {
    const chunks: AnyChunk[] = [
      { type: 'task_update', id: 'read', title: 'Reading your inbox', status: 'in_progress' },
      { type: 'task_update', id: 'mark', title: 'Marking as read', status: 'pending' },
      { type: 'task_update', id: 'read', title: 'Reading your inbox', status: 'complete' },
      { type: 'task_update', id: 'mark', title: 'Marking as read', status: 'error', details: 'Gmail said *no*' },
    ];
    const html = renderStream(chunks, false);
    expect(html.match(/class="bk-tasks"/g)).toHaveLength(1);
    expect(taskStatuses(html)).toEqual([['read', 'complete'], ['mark', 'error']]);
    expect(html).toContain('<span class="bk-task-icon">✓</span><span class="bk-task-title">Reading your inbox</span>');
    expect(html).toContain('<span class="bk-task-icon">✗</span><span class="bk-task-title">Marking as read</span>');
    expect(html).toContain('<div class="bk-task-detail">Gmail said <i>no</i></div>');
    // Each status the stream can give a task has a look of its own.
    for (const status of ['pending', 'in_progress', 'complete', 'error'] as const) {
      expect(renderStream([{ type: 'task_update', id: 't', title: 'T', status }], true)).toContain(`class="bk-task bk-task-${status}"`);
    }
  });

  it('runs Markdown chunks together, in their place among the tasks, with a cursor only while streaming', () => {
    const chunks: AnyChunk[] = [
      { type: 'markdown_text', text: 'Looking ' },
      { type: 'markdown_text', text: 'at **2** emails' },
      { type: 'task_update', id: 'read', title: 'Reading your inbox', status: 'in_progress' },
      { type: 'markdown_text', text: '_Stopped, as you asked._' },
    ];
    const streaming = renderStream(chunks, true);
    expect(streaming).toMatch(/^<div class="bk-stream bk-streaming"><div class="bk-stream-text">Looking at <b>2<\/b> emails<\/div><div class="bk-tasks">.*<\/div><div class="bk-stream-text"><i>Stopped, as you asked.<\/i><\/div><span class="bk-stream-cursor"/);
    const stopped = renderStream(chunks, false);
    expect(stopped).not.toContain('bk-stream-cursor');
    expect(stopped).not.toContain('bk-streaming');
  });

  it('shows a plan title, and blocks streamed as a chunk', () => {
    const html = renderStream([
      { type: 'plan_update', title: 'Tidy the inbox' },
      { type: 'task_update', id: 'a', title: 'Read', status: 'pending' },
      { type: 'blocks', blocks: [{ type: 'divider' }] },
    ], false);
    expect(html).toContain('<div class="bk-tasks"><div class="bk-plan-title">Tidy the inbox</div><ul><li class="bk-task bk-task-pending"');
    expect(html).toContain('<hr class="bk-divider">');
  });

  it('keeps streamed text and task titles literal', () => {
    const html = renderStream([
      { type: 'markdown_text', text: '<img src=x onerror=alert(1)> [x](javascript:alert(1))' },
      { type: 'task_update', id: '"><b>', title: '<script>alert(1)</script>', status: 'complete' },
    ], false);
    expect(html).not.toMatch(/<img|<script|<b>|javascript:/);
    expect(shown(html)).toContain('<img src=x onerror=alert(1)>');
    expect(shown(html)).toContain('<script>alert(1)</script>');
  });

  it('renders Markdown: bold, italics, strike, code, links, lists and quotes', () => {
    expect(renderMarkdown('**b** *i* _j_ ~~s~~ `a**b**`')).toBe('<b>b</b> <i>i</i> <i>j</i> <s>s</s> <code>a**b**</code>');
    expect(renderMarkdown('[the docs](https://example.com/?a=1&b=2)')).toBe('<a href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener">the docs</a>');
    expect(renderMarkdown('Two:\n- one\n- two\n> said')).toBe('Two:<br><ul><li>one</li><li>two</li></ul><blockquote>said</blockquote>');
    expect(renderMarkdown('snake_case_name')).toBe('snake_case_name');
  });
});

describe('context_actions and modals', () => {
  it("draws the bot's feedback buttons as two buttons that send the pressed one's value as feedback_buttons", () => {
    const html = renderBlocks([buildFeedbackButtons('unread.list')]);
    expect(html).toMatch(/^<div class="bk-context-actions">/);
    const buttons = [...html.matchAll(/<button type="button" class="bk-button bk-feedback" ([^>]*)>([^<]*)<\/button>/g)];
    expect(buttons.map((b) => b[2])).toEqual(['👍 Good answer', '👎 Bad answer']);
    expect(buttons[0]![1]).toContain('data-action-id="agent_feedback" data-value="good:unread.list"');
    expect(buttons[1]![1]).toContain('data-value="bad:unread.list"');
    expect(buttons[0]![1]).toContain('data-element-type="feedback_buttons"');
    expect(buttons[0]![1]).toContain('title="This answer was helpful"');
  });

  it('draws an icon button in a context_actions block', () => {
    const html = renderBlocks([{ type: 'context_actions', block_id: 'ca', elements: [{ type: 'icon_button', icon: 'trash', text: { type: 'plain_text', text: 'Remove' }, action_id: 'rm', value: '1' }] }]);
    expect(html).toContain('<button type="button" class="bk-button bk-icon-button" data-action-id="rm" data-value="1" data-block-id="ca" data-element-type="icon_button">Remove</button>');
  });

  it("draws the draft modal's input as a text field holding the words, named by block and action", () => {
    const view = buildDraftEditModal({ editId: 'e1', to: 'Bob <bob@example.com>', text: 'See you <Monday> & "then"' });
    const html = renderBlocks(view.blocks);
    expect(html).toContain('<span class="bk-label">Your reply</span>');
    expect(html).toMatch(/<textarea rows="4" name="reply\/text" data-block-id="reply" data-action-id="text" maxlength="\d+" required>See you &lt;Monday&gt; &amp; &quot;then&quot;<\/textarea>/);
    expect(shown(html)).toContain('To Bob <bob@example.com>.');
  });

  it("draws an event modal's pickers as the browser's date-time and date fields, named by block and action", () => {
    const start = new Date(2026, 11, 2, 15, 0);
    const timed = buildEventEditModal({ editId: 'e', event: { title: 'Review', timeZone: 'UTC', when: { kind: 'timed', start: start.toISOString(), end: new Date(start.getTime() + 1_800_000).toISOString() } } });
    const html = renderBlocks(timed.blocks);
    expect(html).toContain('<input type="datetime-local" name="start/value" data-block-id="start" data-action-id="value" data-element-type="datetimepicker" required value="2026-12-02T15:00">');
    expect(html).toContain('value="2026-12-02T15:30"');
    const days = renderBlocks(buildEventEditModal({ editId: 'e', event: { title: 'Offsite', timeZone: 'UTC', when: { kind: 'allDay', date: '2026-12-03', endDate: '2026-12-05' } } }).blocks);
    expect(days).toContain('<input type="date" name="end/value" data-block-id="end" data-action-id="value" data-element-type="datepicker" required value="2026-12-04">');
  });
});
