/** What the actions give and get from the Google Calendar connector: plain data, not yet escaped. */

/** Google's two kinds of event time: an instant (shown in `timeZone`), or a whole day. */
export type EventTime = { dateTime: Date } | { date: string };

export interface NewCalendarEvent {
  summary: string;
  description?: string | undefined;
  /** IANA name; the event's times are shown in it and a timed event's wall clock is written in it. */
  timeZone: string;
  /** Both timed, or both all-day; an all-day `end` is the day after the last day (exclusive). */
  start: EventTime;
  end: EventTime;
  /**
   * The event id to create it under (base32hex: a-v and 0-9, 5 to 1024 characters). Retries reuse
   * it, so an attempt whose answer was lost cannot create a second event. Generated when absent.
   */
  id?: string | undefined;
}

export interface CalendarEvent {
  id: string;
  /** The event in Google Calendar's web UI. */
  htmlLink: string;
  summary: string;
  start: EventTime;
  end: EventTime;
}

export interface CalendarApi {
  /**
   * Creates the event on the user's primary calendar. Throws UpstreamUnauthorizedError on 401 (or a
   * token without the calendar scope), RateLimitedError or UpstreamUnavailableError after bounded retries.
   */
  createEvent(accessToken: string, event: NewCalendarEvent): Promise<CalendarEvent>;
}
