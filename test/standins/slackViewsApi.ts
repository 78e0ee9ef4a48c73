/**
 * The Slack stand-in's modals (docs.slack.dev: views.open, views.update; merged into slackApi.ts's
 * handlers). A modal's arguments are checked against schemas written from @slack/types (ModalView,
 * InputBlock, PlainTextInput, Datepicker, DateTimepicker) and @slack/web-api's ViewsOpenArguments /
 * ViewsUpdateArguments, with Slack's documented limits (title and buttons ≤ 24 characters, ≤ 100
 * blocks, private_metadata ≤ 3,000, plain_text_input ≤ 3,000 and its initial value within its
 * max_length); the `_checks` assignments make the type checker refuse a schema that accepts what
 * those types do not. A bad argument is answered as Slack does: HTTP 200, `ok: false`,
 * `invalid_arguments` with the problems.
 */
import type { Datepicker, DateTimepicker, InputBlock, ModalView, PlainTextInput } from '@slack/types';
import type { ViewsOpenArguments, ViewsUpdateArguments } from '@slack/web-api';
import { z } from 'zod';

type Body = Record<string, unknown>;

const plainText = (max: number) => z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() });
const mrkdwn = z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(3000), verbatim: z.boolean().optional() });
const actionId = z.string().min(1).max(255).optional();
const plainTextInput = z
  .object({
    type: z.literal('plain_text_input'),
    action_id: actionId,
    initial_value: z.string().max(3000).optional(),
    multiline: z.boolean().optional(),
    min_length: z.number().int().min(0).max(3000).optional(),
    max_length: z.number().int().min(1).max(3000).optional(),
    placeholder: plainText(150).optional(),
    focus_on_load: z.boolean().optional(),
  })
  .refine((e) => e.initial_value === undefined || e.max_length === undefined || e.initial_value.length <= e.max_length, 'initial_value is longer than max_length');
const datepicker = z.object({
  type: z.literal('datepicker'),
  action_id: actionId,
  initial_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  placeholder: plainText(150).optional(),
  focus_on_load: z.boolean().optional(),
});
const datetimepicker = z.object({
  type: z.literal('datetimepicker'),
  action_id: actionId,
  initial_date_time: z.number().int().positive().optional(),
  focus_on_load: z.boolean().optional(),
});
const inputBlock = z.object({
  type: z.literal('input'),
  block_id: z.string().min(1).max(255).optional(),
  label: plainText(2000),
  hint: plainText(2000).optional(),
  optional: z.boolean().optional(),
  dispatch_action: z.boolean().optional(),
  element: z.union([plainTextInput, datepicker, datetimepicker]),
});
const sectionBlock = z.object({ type: z.literal('section'), block_id: z.string().max(255).optional(), text: z.union([plainText(3000), mrkdwn]) }).loose();
const contextBlock = z.object({ type: z.literal('context'), block_id: z.string().max(255).optional(), elements: z.array(z.union([plainText(3000), mrkdwn])).min(1).max(10) });
const block = z.discriminatedUnion('type', [inputBlock, sectionBlock, contextBlock]);
const modal = z.object({
  type: z.literal('modal'),
  title: plainText(24),
  blocks: z.array(block).max(100),
  close: plainText(24).optional(),
  submit: plainText(24).optional(),
  private_metadata: z.string().max(3000).optional(),
  callback_id: z.string().max(255).optional(),
  clear_on_close: z.boolean().optional(),
  notify_on_close: z.boolean().optional(),
  external_id: z.string().max(255).optional(),
});
const openArgs = z.object({ trigger_id: z.string().min(1), view: modal });
const updateArgs = z.union([
  z.object({ view_id: z.string().min(1), hash: z.string().optional(), view: modal }),
  z.object({ external_id: z.string().min(1), hash: z.string().optional(), view: modal }),
]);

// Compile-time: whatever these schemas accept is a value of the @slack/types and web-api types.
const _checks = (v: {
  input: z.infer<typeof plainTextInput>; date: z.infer<typeof datepicker>; dateTime: z.infer<typeof datetimepicker>;
  block: z.infer<typeof inputBlock>; modal: z.infer<typeof modal>; open: z.infer<typeof openArgs>; update: z.infer<typeof updateArgs>;
}) => {
  const i: PlainTextInput = v.input; const d: Datepicker = v.date; const t: DateTimepicker = v.dateTime; const b: InputBlock = v.block;
  const m: ModalView = v.modal; const o: ViewsOpenArguments = v.open; const u: ViewsUpdateArguments = v.update;
  return [i, d, t, b, m, o, u];
};
void _checks;

/** A modal the stand-in holds open: what views.open / views.update last showed. */
export interface StandinView {
  id: string;
  hash: string;
  view: Body;
}

export interface ViewsSurface {
  /** Open modals by view id. */
  views: Map<string, StandinView>;
  handlers: Record<string, (b: Body) => Body>;
  reset(): void;
}

export function viewsSurface(nextId: () => string): ViewsSurface {
  const views = new Map<string, StandinView>();
  const invalid = (error: z.ZodError) => ({ ok: false, error: 'invalid_arguments', errors: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  const shown = (held: StandinView) => ({ view: { id: held.id, hash: held.hash, state: { values: {} }, ...held.view } });
  const handlers: Record<string, (b: Body) => Body> = {
    // A modal opens only with a trigger_id from an interaction (Slack lets it live 3 seconds).
    'views.open': (b) => {
      if (!b.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
      const parsed = openArgs.safeParse(b);
      if (!parsed.success) return invalid(parsed.error);
      const held = { id: `V${nextId()}`, hash: `${Date.now()}.${nextId()}`, view: parsed.data.view as Body };
      views.set(held.id, held);
      return shown(held);
    },
    'views.update': (b) => {
      const parsed = updateArgs.safeParse(b);
      if (!parsed.success) return invalid(parsed.error);
      const a = parsed.data;
      const held = 'view_id' in a ? views.get(a.view_id) : [...views.values()].find((v) => v.view.external_id === a.external_id);
      if (!held) return { ok: false, error: 'not_found' };
      if (a.hash !== undefined && a.hash !== held.hash) return { ok: false, error: 'hash_conflict' };
      held.view = a.view as Body;
      held.hash = `${Date.now()}.${nextId()}`;
      return shown(held);
    },
  };
  return { views, handlers, reset: () => views.clear() };
}
