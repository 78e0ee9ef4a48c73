/**
 * Edit on a card the agent waits on: an event to add, an alert to post, a drafted reply. Pressing
 * Edit opens a modal prefilled with the step (at once: Slack's trigger_id lasts 3 seconds); saving
 * it is checked with the action's schema, then changes the step (only its user's, only while it
 * waits, once), and the card in the thread shows the changed step, still waiting for Approve. A
 * drafted reply's Gmail draft is updated too, in its thread. Steps without a modal (marking mail as
 * read) keep Edit's older meaning: dropped, and the user asked in the thread.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { StepApprovals } from '../../actions/agent/approvals.ts';
import type { CardPlace, EditTarget, StepEdit, StepEdits } from '../../actions/agent/edits.ts';
import type { AlertRequest } from '../../actions/alerts/alert.ts';
import type { AlertProposals } from '../../actions/alerts/proposals.ts';
import type { CreateEventInput } from '../../actions/createCalendarEvent.ts';
import { SEND_DRAFT_ACTION, UPDATE_DRAFT_ACTION, type DraftedReply } from '../../actions/replyToEmail.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { BackgroundTasks } from '../../infrastructure/backgroundTasks.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import { buildAlertProposal } from '../blocks/alertProposal.ts';
import { buildApprovalCard } from '../blocks/approvalCard.ts';
import { buildDraftCard } from '../blocks/draftCard.ts';
import { buildDraftEditModal, DRAFT_EDIT_CALLBACK } from '../blocks/draftEditModal.ts';
import { ALERT_EDIT_CALLBACK, buildAlertEditModal, buildEventEditModal, EVENT_EDIT_CALLBACK } from '../blocks/stepEditModals.ts';
import { CREATE_EVENT_ACTION } from '../presenters.ts';
import { threadReply } from '../replies.ts';
import type { RequestRunner } from '../requestRunner.ts';
import { describeStep } from './stepDescriptions.ts';
import { readAlertForm, readDraftForm, readEventForm, type FormRead, type ViewValues } from './stepEditForms.ts';

export const EDIT_CALLBACKS = [EVENT_EDIT_CALLBACK, ALERT_EDIT_CALLBACK, DRAFT_EDIT_CALLBACK] as const;

export const EDIT_ANSWERS = {
  notYours: 'Only the person who asked can change this step. Nothing was changed.',
  gone: 'This step was already decided, or it has expired: nothing was changed. Ask me again if you still want it.',
  failed: 'Something went wrong while saving: nothing was changed. Press Edit on the card to try again.',
  alertUnavailable: 'That alert was already posted or cancelled, or the card is more than an hour old: nothing was changed.',
} as const;

export interface StepEditDeps {
  approvals: StepApprovals;
  proposals: AlertProposals;
  edits: StepEdits;
  runner: RequestRunner;
  tasks: BackgroundTasks;
  logger: Logger;
  now: () => Date;
}

interface DraftStep {
  draftId: string;
  messageId: string;
  to: string;
  text: string;
  mailbox?: string;
}

/**
 * Opens the modal for `target` when it is `user`'s and still waiting: `opened`; `unavailable` when
 * not (someone else's, decided, expired); `no_modal` for a step edited in words instead.
 */
export async function openEditModal(
  deps: StepEditDeps,
  client: WebClient,
  input: { user: SlackUser; target: EditTarget; card: CardPlace; triggerId: string },
): Promise<'opened' | 'unavailable' | 'no_modal'> {
  const { user, target, card } = input;
  const now = deps.now();
  let view: (editId: string) => ModalView;
  if (target.kind === 'alert') {
    const proposal = await deps.proposals.peek(target.id, user, now);
    if (!proposal) return 'unavailable';
    view = (editId) => buildAlertEditModal({ editId, request: proposal.request });
  } else {
    const approval = await deps.approvals.peek(target.id, user, now);
    if (!approval) return 'unavailable';
    const { action, input: stepInput } = approval.step;
    if (action === CREATE_EVENT_ACTION) view = (editId) => buildEventEditModal({ editId, event: stepInput as CreateEventInput });
    else if (action === SEND_DRAFT_ACTION) {
      const draft = stepInput as DraftStep;
      view = (editId) => buildDraftEditModal({ editId, to: draft.to, text: draft.text });
    } else return 'no_modal';
  }
  const edit = await deps.edits.open(user, target, card, now);
  await client.views.open({ trigger_id: input.triggerId, view: view(edit.id) });
  return 'opened';
}

/** What a saved modal answers Slack: nothing (it closes), errors under fields, or a view saying why not. */
export type SubmitAnswer =
  | undefined
  | { response_action: 'errors'; errors: Record<string, string> }
  | { response_action: 'update'; view: ModalView };

/**
 * A saved Edit modal, before Slack's 3 seconds run out: the answer for Slack, and the work that
 * follows it (the card, the Gmail draft), run in the background once answered.
 */
export async function saveEdit(
  deps: StepEditDeps,
  client: WebClient,
  submitted: { user: SlackUser; callbackId: string; editId: string; values: ViewValues },
): Promise<{ answer: SubmitAnswer; afterwards?: () => Promise<void> }> {
  const { user } = submitted;
  const now = deps.now();
  if (!/^[\w-]{1,64}$/.test(submitted.editId)) return { answer: refused('gone') };
  const found = await deps.edits.peek(submitted.editId, user, now);
  if (!found.ok) {
    if (found.reason === 'not_yours') deps.logger.warn({ user: user.userId }, "refused a save of someone else's Edit");
    return { answer: refused(found.reason) };
  }
  const { edit } = found;
  if (edit.target.kind === 'alert') {
    const proposal = await deps.proposals.peek(edit.target.id, user, now);
    if (!proposal || submitted.callbackId !== ALERT_EDIT_CALLBACK) return { answer: refused('gone') };
    const read = readAlertForm(submitted.values, proposal.request);
    if (!read.ok) return { answer: fieldErrors(read) };
    if (!(await deps.edits.take(edit.id, user, now)).ok) return { answer: refused('gone') };
    const revised = await deps.proposals.revise(proposal.id, user, read.value, now);
    if (!revised.ok) return { answer: refused(revised.reason) };
    return { answer: undefined, afterwards: () => showAlert(deps, client, edit, revised.proposal.id, revised.proposal.request) };
  }
  const approval = await deps.approvals.peek(edit.target.id, user, now);
  if (!approval) return { answer: refused('gone') };
  const { step } = approval;
  if (step.action === CREATE_EVENT_ACTION && submitted.callbackId === EVENT_EDIT_CALLBACK) {
    const read = readEventForm(submitted.values, step.input as CreateEventInput, now);
    if (!read.ok) return { answer: fieldErrors(read) };
    if (!(await deps.edits.take(edit.id, user, now)).ok) return { answer: refused('gone') };
    const revised = await deps.approvals.revise(approval.id, user, read.value, now);
    if (!revised.ok) return { answer: refused(revised.reason) };
    const card = buildApprovalCard({ approvalId: approval.id, ...describeStep(step.action, read.value) });
    return { answer: undefined, afterwards: () => replaceCard(deps, client, edit.card, card) };
  }
  if (step.action === SEND_DRAFT_ACTION && submitted.callbackId === DRAFT_EDIT_CALLBACK) {
    const draft = step.input as DraftStep;
    const read = readDraftForm(submitted.values, draft.messageId);
    if (!read.ok) return { answer: fieldErrors(read) };
    if (!(await deps.edits.take(edit.id, user, now)).ok) return { answer: refused('gone') };
    return { answer: undefined, afterwards: () => redraft(deps, client, { user, edit, approvalId: approval.id, thread: step.thread, draft, text: read.value }) };
  }
  return { answer: refused('gone') };
}

/** The Gmail draft first (same draft, same thread); then the approval and the card, which still wait for Send. */
async function redraft(
  deps: StepEditDeps,
  client: WebClient,
  job: { user: SlackUser; edit: StepEdit; approvalId: string; thread: { channel: string; threadTs: string }; draft: DraftStep; text: string },
): Promise<void> {
  const { user, draft, thread } = job;
  const reply = threadReply(client, thread);
  const input = { draftId: draft.draftId, messageId: draft.messageId, text: job.text };
  await deps.runner.run(user, { action: UPDATE_DRAFT_ACTION, input }, reply, async (result) => {
    const drafted = result as DraftedReply;
    const revised = await deps.approvals.revise(job.approvalId, user, { ...draft, text: drafted.text }, deps.now());
    if (!revised.ok) {
      // Sent or discarded meanwhile: the card already says so.
      deps.logger.info({ user: user.userId }, 'a draft was edited after its card was decided');
      return;
    }
    await replaceCard(deps, client, job.edit.card, buildDraftCard({ approvalId: job.approvalId, ...drafted, mailbox: draft.mailbox }));
  }, { promptInReply: true, replyIn: thread });
}

function showAlert(deps: StepEditDeps, client: WebClient, edit: StepEdit, proposalId: string, request: AlertRequest): Promise<void> {
  return replaceCard(deps, client, edit.card, buildAlertProposal({ proposalId, request, editable: true }));
}

async function replaceCard(deps: Pick<StepEditDeps, 'logger'>, client: WebClient, card: CardPlace, message: { text: string; blocks: KnownBlock[] }): Promise<void> {
  await client.chat.update({ channel: card.channel, ts: card.ts, text: message.text, blocks: message.blocks }).catch((err: unknown) => {
    deps.logger.warn({ err }, 'showing an edited step on its card failed');
  });
}

function fieldErrors(read: Extract<FormRead<unknown>, { ok: false }>): SubmitAnswer {
  return { response_action: 'errors', errors: read.errors };
}

/** The modal turns into a few words saying why nothing changed. */
function refused(reason: 'not_yours' | 'gone'): SubmitAnswer {
  return nothingChanged(reason === 'not_yours' ? EDIT_ANSWERS.notYours : EDIT_ANSWERS.gone);
}

export function nothingChanged(text: string): Extract<SubmitAnswer, { response_action: 'update' }> {
  return {
    response_action: 'update',
    view: {
      type: 'modal',
      title: { type: 'plain_text', text: 'Nothing changed' },
      close: { type: 'plain_text', text: 'Close' },
      blocks: [{ type: 'section', text: { type: 'plain_text', text } }],
    },
  };
}
