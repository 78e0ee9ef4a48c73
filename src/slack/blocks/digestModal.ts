/**
 * The App Home's "Change" for a digest: a modal with one line, the schedule in the words `/digest`
 * takes ("every weekday at 9:00 5 from:boss"), filled in with the current one.
 */
import type { ModalView } from '@slack/types';
import type { DigestView } from '../../actions/digests/manageDigests.ts';
import { describeSchedule } from '../../actions/digests/scheduleWords.ts';
import { truncate } from '../text/mrkdwn.ts';

export const DIGEST_MODAL_CALLBACK = 'digest_change';
export const DIGEST_WORDS_BLOCK = 'digest_words';
export const DIGEST_WORDS_ACTION = 'words';
const WORDS_MAX = 600;

/** The schedule as words `/digest` reads back. */
export function digestWords(view: DigestView): string {
  return [describeSchedule(view.cron), String(view.count), view.search ?? ''].join(' ').trim();
}

export function buildDigestModal(current: DigestView | undefined): ModalView {
  return {
    type: 'modal',
    callback_id: DIGEST_MODAL_CALLBACK,
    title: { type: 'plain_text', text: 'Scheduled digest' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: DIGEST_WORDS_BLOCK,
        label: { type: 'plain_text', text: 'When, how many, and which mail' },
        hint: { type: 'plain_text', text: 'e.g. weekdays 9:00 · every day at 8am 10 · mondays 9 5 from:boss. Times are in your Slack time zone.' },
        element: {
          type: 'plain_text_input',
          action_id: DIGEST_WORDS_ACTION,
          max_length: WORDS_MAX,
          ...(current ? { initial_value: truncate(digestWords(current), WORDS_MAX) } : { placeholder: { type: 'plain_text', text: 'weekdays 9:00' } }),
        },
      },
    ],
  };
}
