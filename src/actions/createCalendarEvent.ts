/**
 * Use case: "create a calendar event" on the user's primary Google Calendar, through their own
 * connected account (its own connection, authorized like Gmail's).
 *
 * Two shapes, on purpose:
 * - `eventRequestSchema` is what a person or a model says: a title and *when* in words ("tomorrow
 *   at 3pm for an hour"). `/event`, the mention parser and the LLM's tool all produce it; words are
 *   read by the one deterministic whenParser, in the user's time zone, so "tomorrow" never depends on
 *   a model doing date arithmetic.
 * - `createEventInputSchema` is the resolved request the action runs and a kept request stores:
 *   exact instants (or dates) and the zone, so a request replayed after the user connects, or after
 *   midnight, still means the time they asked for.
 */
import { z } from 'zod';
import { withAccessToken } from '../agentAuth/withAccessToken.ts';
import type { AgentAuth } from '../agentAuth/port.ts';
import type { CalendarApi, CalendarEvent, NewCalendarEvent } from '../connectors/calendar/types.ts';
import { isValidTimeZone } from '../core/zonedTime.ts';
import { parseWhen, type When } from './calendar/whenParser.ts';

export const CREATE_EVENT_ACTION = 'calendar.create_event';
export const TITLE_MAX = 250;
export const DESCRIPTION_MAX = 2000;
export const WHEN_TEXT_MAX = 200;

const title = z.string().trim().min(1).max(TITLE_MAX).describe('The event title, e.g. "Design review".');
const description = z.string().trim().max(DESCRIPTION_MAX).optional().describe('Optional notes for the event.');

export const eventRequestSchema = z.object({
  title,
  when: z
    .string()
    .trim()
    .min(1)
    .max(WHEN_TEXT_MAX)
    .describe('When, in the user\'s own words, e.g. "tomorrow at 3pm for an hour", "friday 10am", "dec 3". Copy them; do not convert.'),
  description,
});
export type EventRequest = z.infer<typeof eventRequestSchema>;

const whenSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('timed'), start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) }),
  z.object({ kind: z.literal('allDay'), date: z.iso.date(), endDate: z.iso.date() }),
]);

export const createEventInputSchema = z
  .object({
    title,
    when: whenSchema,
    timeZone: z.string().refine(isValidTimeZone, 'is not a known time zone'),
    description,
  })
  .refine(({ when }) => (when.kind === 'timed' ? Date.parse(when.end) > Date.parse(when.start) : when.endDate > when.date), {
    message: 'the event must end after it starts',
    path: ['when'],
  });
export type CreateEventInput = z.infer<typeof createEventInputSchema>;

export type ResolvedEvent = { ok: true; input: CreateEventInput } | { ok: false; problem: string };

/** The stored form of a parsed event: instants as ISO strings survive JSON, Dates do not. */
export function eventInputFrom(event: { title: string; when: When; timeZone: string; description?: string | undefined }): CreateEventInput {
  const when = event.when.kind === 'timed'
    ? { kind: 'timed' as const, start: event.when.start.toISOString(), end: event.when.end.toISOString() }
    : { kind: 'allDay' as const, date: event.when.date, endDate: event.when.endDate };
  return createEventInputSchema.parse({ title: event.title, when, timeZone: event.timeZone, description: event.description || undefined });
}

/** Reads a request's words into the input the action runs, or says (to the user) what could not be read. */
export function resolveEventRequest(request: unknown, context: { now: Date; timeZone: string }): ResolvedEvent {
  const parsed = eventRequestSchema.safeParse(request);
  if (!parsed.success) return { ok: false, problem: 'An event needs a title and a time, e.g. “tomorrow at 3pm called Design review”.' };
  const when = parseWhen(parsed.data.when, context);
  if (!when.ok) return when;
  return { ok: true, input: eventInputFrom({ ...parsed.data, when: when.when, timeZone: context.timeZone }) };
}

export class CreateCalendarEvent {
  private readonly agentAuth: AgentAuth;
  private readonly calendar: CalendarApi;
  readonly connection: string;

  constructor(deps: { agentAuth: AgentAuth; calendar: CalendarApi; connection: string }) {
    this.agentAuth = deps.agentAuth;
    this.calendar = deps.calendar;
    this.connection = deps.connection;
  }

  run(identifier: string, input: CreateEventInput): Promise<CalendarEvent> {
    const valid = createEventInputSchema.parse(input);
    const event: NewCalendarEvent = {
      summary: valid.title,
      description: valid.description,
      timeZone: valid.timeZone,
      ...(valid.when.kind === 'timed'
        ? { start: { dateTime: new Date(valid.when.start) }, end: { dateTime: new Date(valid.when.end) } }
        : { start: { date: valid.when.date }, end: { date: valid.when.endDate } }),
    };
    return withAccessToken(this.agentAuth, { connection: this.connection, identifier }, (token) => this.calendar.createEvent(token, event));
  }
}
