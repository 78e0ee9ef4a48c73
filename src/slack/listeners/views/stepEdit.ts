/**
 * Edit on the agent's cards: the alert card's Edit button (the step cards' is in agentApproval.ts),
 * and the Edit modals saved (`view_submission`), answered within Slack's 3 seconds: field errors
 * in the modal, a few words when the step is no longer the user's to change, else the modal closes
 * and the card in the thread shows the changed step (stepEdits.ts).
 */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { EDIT_ANSWERS, nothingChanged, openEditModal, saveEdit, type StepEditDeps } from '../../agent/stepEdits.ts';
import type { ViewValues } from '../../agent/stepEditForms.ts';

export function stepEditSubmitted(deps: StepEditDeps) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    let saved: Awaited<ReturnType<typeof saveEdit>>;
    try {
      saved = await saveEdit(deps, client, { user, callbackId: view.callback_id, editId: view.private_metadata, values: view.state.values as ViewValues });
    } catch (err) {
      // The modal says so; the failure itself is logged by the app's error handler.
      await ack(nothingChanged(EDIT_ANSWERS.failed)).catch(() => {});
      throw err;
    }
    await ack(saved.answer);
    if (saved.afterwards) deps.tasks.run('agent step edit', saved.afterwards);
  };
}

export function alertProposalEditButton(deps: StepEditDeps) {
  return async ({ ack, body, action, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const id = 'value' in action && typeof action.value === 'string' ? action.value : '';
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    const channel = body.channel?.id ?? body.container?.channel_id;
    const ts = body.message?.ts ?? body.container?.message_ts;
    if (!id || typeof channel !== 'string' || typeof ts !== 'string') return;
    const tell = (text: string) => client.chat.postEphemeral({ channel, user: user.userId, text, ...(body.message?.thread_ts ? { thread_ts: body.message.thread_ts } : {}) });
    try {
      const opened = await openEditModal(deps, client, { user, target: { kind: 'alert', id }, card: { channel, ts }, triggerId: body.trigger_id });
      if (opened !== 'opened') await tell(EDIT_ANSWERS.alertUnavailable);
    } catch (err) {
      deps.logger.warn({ err }, 'opening the alert Edit modal failed');
      await tell('I could not open the editor just now: nothing was changed. Press Edit again.').catch(() => {});
    }
  };
}
