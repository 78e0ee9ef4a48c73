import { describe, expect, it } from 'vitest';
import { buildEventConfirmation, describeWhen } from '../../../../src/slack/blocks/eventConfirmation.ts';

const event = {
  id: 'e1',
  htmlLink: 'https://www.google.com/calendar/event?eid=abc',
  summary: 'Design review',
  start: { dateTime: new Date('2026-03-28T14:00:00Z') },
  end: { dateTime: new Date('2026-03-28T15:00:00Z') },
};

describe('buildEventConfirmation', () => {
  it('shows the title, when (date tokens with the zone\'s wall clock as fallback) and a link button', () => {
    const { text, blocks } = buildEventConfirmation({ event, timeZone: 'Europe/Berlin' });
    // ICU versions differ on a comma after the weekday: the tests accept both.
    expect(blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', verbatim: true } });
    expect((blocks[0] as { text: { text: string } }).text.text).toMatch(
      /^:calendar: Added to your Google Calendar: \*Design review\*\n<!date\^1774706400\^\{date_long_pretty\} at \{time\}\|Saturday,? 28 March 2026 at 15:00 \(Europe\/Berlin\)> to <!date\^1774710000\^\{time\}\|16:00> \(1 hour\)$/,
    );
    expect(blocks[1]).toMatchObject({ type: 'actions', elements: [{ type: 'button', url: event.htmlLink, action_id: 'open_calendar_event' }] });
    expect(text).toMatch(/^Added to your Google Calendar: Design review, Saturday,? 28 March 2026 at 15:00 to 16:00 \(Europe\/Berlin\)$/);
  });

  it('leaves out a link that is not https', () => {
    expect(buildEventConfirmation({ event: { ...event, htmlLink: 'javascript:x' }, timeZone: 'UTC' }).blocks).toHaveLength(1);
  });
});

describe('describeWhen', () => {
  it('writes all-day events as dates, the end exclusive', () => {
    expect(describeWhen({ date: '2026-12-03' }, { date: '2026-12-04' }, 'America/Los_Angeles').plain).toMatch(/^Thursday,? 3 December 2026, all day$/);
    expect(describeWhen({ date: '2026-12-03' }, { date: '2026-12-05' }, 'UTC').plain).toMatch(/^Thursday,? 3 December 2026 to Friday,? 4 December 2026, all day$/);
  });

  it('gives the full end date when an event runs past midnight, and odd lengths in words', () => {
    const when = describeWhen({ dateTime: new Date('2026-03-28T22:00:00Z') }, { dateTime: new Date('2026-03-29T00:45:00Z') }, 'UTC');
    expect(when.mrkdwn).toMatch(/ to <!date\^\d+\^\{date_long_pretty\} at \{time\}\|Sunday,? 29 March 2026 at 00:45>/);
    expect(when.mrkdwn).toMatch(/\(2 hours 45 minutes\)$/);
  });
});
