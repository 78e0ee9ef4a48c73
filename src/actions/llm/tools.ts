/**
 * The tools a chat model may choose from, one per action, with parameters generated from the very
 * zod schemas the actions validate their input with (`z.toJSONSchema`), so the model is told exactly
 * what will be accepted and nothing can drift apart. The same schemas check what the model proposes.
 */
import { z, type ZodType } from 'zod';
import type { ToolDefinition } from '../../connectors/llm/chatCompletions.ts';
import { alertRequestSchema } from '../alerts/alert.ts';
import { eventRequestSchema } from '../createCalendarEvent.ts';
import { unreadInputSchema } from '../showUnreadEmail.ts';

export type ActionKind = 'unread' | 'event' | 'alert';

export interface ActionTool {
  kind: ActionKind;
  name: string;
  description: string;
  schema: ZodType;
}

export const ACTION_TOOLS: readonly ActionTool[] = [
  {
    kind: 'unread',
    name: 'show_unread_email',
    description: "Show the user's newest unread Gmail messages, privately. count: how many (5 when they did not say); search: Gmail search terms such as from:alice.",
    schema: unreadInputSchema,
  },
  {
    kind: 'event',
    name: 'create_calendar_event',
    description: "Create an event on the user's primary Google Calendar.",
    schema: eventRequestSchema,
  },
  {
    kind: 'alert',
    name: 'send_team_alert',
    description: "Post an alert to the user's team channel (or a channel they name).",
    schema: alertRequestSchema,
  },
];

/** The OpenAI-style tool list; `$schema` is left out, as some servers refuse keys they do not know. */
export function toolDefinitions(tools: readonly ActionTool[] = ACTION_TOOLS): ToolDefinition[] {
  return tools.map((tool) => {
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.schema, { io: 'input' }) as Record<string, unknown>;
    return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
  });
}
