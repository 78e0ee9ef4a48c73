/**
 * A mention read by the optional chat model: its proposal (already checked with the actions' own
 * schemas by LlmActionChooser) turned into the same Intent the deterministic parser gives, or
 * undefined so the parser answers instead. The model cannot turn on @channel: that needs the sender
 * to have typed it, as with the parser, and the alert policy still decides whether they may.
 */
import type { LlmActionChooser } from '../../actions/llm/chooseAction.ts';
import { parseWhen, type WhenContext } from '../../actions/calendar/whenParser.ts';
import { decodeSlackText } from '../text/mrkdwn.ts';
import { alertText, isChannelMention } from './alertArgs.ts';
import type { Intent } from './intent.ts';

export function llmIntent(chooser: LlmActionChooser): (text: string, context: WhenContext) => Promise<Intent | undefined> {
  return async (text, context) => {
    const words = text.replace(/^(\s*<@[UW][A-Z0-9]+(\|[^<>]*)?>[\s,:]*)+/, '').trim();
    const proposal = await chooser.propose(decodeSlackText(words), context);
    if (!proposal) return undefined;
    switch (proposal.action) {
      case 'unread':
        return { kind: 'unread', count: proposal.input.count, search: proposal.input.search };
      case 'event': {
        const when = parseWhen(proposal.input.when, context);
        return when.ok ? { kind: 'event', title: proposal.input.title, when: when.when, whenText: proposal.input.when } : undefined;
      }
      case 'alert': {
        const message = alertText(proposal.input.text);
        if (!message) return undefined;
        const typed = words.split(/\s+/).some((word) => isChannelMention(word));
        return {
          kind: 'alert',
          text: message,
          severity: proposal.input.severity,
          ...(proposal.input.channel ? { channel: proposal.input.channel } : {}),
          mentionChannel: typed && proposal.input.mentionChannel === true,
        };
      }
    }
  };
}
