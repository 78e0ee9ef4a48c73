/**
 * The catalogue's actions a chat model may plan with, as tools: the parameters are generated from
 * the catalogue's own input schemas (`z.toJSONSchema`), and the same schemas check the arguments
 * before any action runs. Whether a tool writes comes from the catalogue too: a writing step waits
 * for its user's Approve.
 */
import { z, type ZodType } from 'zod';
import type { ToolDefinition } from '../../connectors/llm/chatCompletions.ts';
import type { ActionCatalog } from '../catalog.ts';
import { CREATE_EVENT_ACTION, eventRequestSchema, resolveEventRequest } from '../createCalendarEvent.ts';
import { MARK_READ_ACTION } from '../markEmailRead.ts';
import { READ_EMAIL_ACTION, SEARCH_EMAIL_ACTION } from '../readEmail.ts';
import { alertRequestSchema } from '../alerts/alert.ts';

export interface PlanTool {
  /** The name the model calls (OpenAI allows letters, digits, `_` and `-`). */
  name: string;
  /** The catalogue action it runs. */
  action: string;
  description: string;
  schema: ZodType;
  writes: boolean;
  /**
   * Turns what the model said into the action's input (e.g. an event's "when" words read by the
   * deterministic when parser, in the user's time zone), or says what could not be read.
   */
  resolve?: (input: unknown, context: { now: Date; timeZone: string }) => { ok: true; input: unknown } | { ok: false; problem: string };
  /** Not a catalogue action: the plan ends by handing the request to its own card (a team alert's Post / Cancel). */
  handOff?: boolean;
}

/** Raising a team alert writes to a channel: the model only proposes it, on the alert card its sender confirms. */
export const ALERT_HAND_OFF = 'alert';

const DESCRIPTIONS: Array<{ name: string; action: (unreadAction: string) => string; description: string }> = [
  {
    name: 'search_email',
    action: () => SEARCH_EMAIL_ACTION,
    description: "Search the user's whole Gmail mailbox (read or unread) with Gmail search terms. Lists id, sender, subject, date and snippet of the newest matches.",
  },
  {
    name: 'read_email',
    action: () => READ_EMAIL_ACTION,
    description: 'Read the full text of one email, by the id a search or the unread list gave.',
  },
  {
    name: 'show_unread_email',
    action: (unreadAction) => unreadAction,
    description: "List the user's newest unread Gmail messages. count: how many (5 when they did not say); search: Gmail search terms such as from:alice.",
  },
  {
    name: 'mark_email_read',
    action: () => MARK_READ_ACTION,
    description: 'Mark emails as read, by their ids. Needs the user\'s approval.',
  },
  {
    name: 'create_calendar_event',
    action: () => CREATE_EVENT_ACTION,
    description:
      "Create an event on the user's primary Google Calendar. Needs the user's approval. when: plain words such as \"dec 11\" (all day), " +
      '"dec 11 at 10am for an hour" or "friday from 9am to 5pm"; a date found in an email is given as month and day (e.g. "dec 11"), never as a weekday and a date together.',
  },
];

/**
 * The schema the model fills in for an action, when it is not the catalogue's own: an event is asked
 * for in words (read by the when parser, so dates never rest on a model's arithmetic).
 */
const SPOKEN: Record<string, Pick<PlanTool, 'schema' | 'resolve'>> = {
  [CREATE_EVENT_ACTION]: {
    schema: eventRequestSchema,
    resolve: (input, context) => resolveEventRequest(input, context),
  },
};

/**
 * The alert as the model asks for it: the alert itself, and whether the user meant the channel
 * they are viewing, which only the Slack side knows (from app_context_changed) and fills in.
 */
export const alertHandOffSchema = alertRequestSchema.extend({
  thisChannel: z
    .boolean()
    .optional()
    .describe('True when the user means the channel they are viewing ("this channel", "here"); leave channel out then.'),
});

export type AlertHandOff = z.infer<typeof alertHandOffSchema>;

export function planTools(catalog: ActionCatalog, unreadAction: string): PlanTool[] {
  const actions = DESCRIPTIONS.map(({ name, action, description }): PlanTool => {
    const definition = catalog.get(action(unreadAction));
    return { name, action: definition.name, description, schema: definition.input, writes: definition.effect === 'write', ...SPOKEN[definition.name] };
  });
  const alert: PlanTool = {
    name: 'send_team_alert',
    action: ALERT_HAND_OFF,
    description:
      "Propose an alert to the user's team channel, a channel they name, or the channel they are viewing beside this conversation; they confirm it on a card. Ends your turn.",
    schema: alertHandOffSchema,
    writes: true,
    handOff: true,
  };
  return [...actions, alert];
}

/** The OpenAI-style tool list; `$schema` is left out, as some servers refuse keys they do not know. */
export function planToolDefinitions(tools: readonly PlanTool[]): ToolDefinition[] {
  return tools.map((tool) => {
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
  });
}
