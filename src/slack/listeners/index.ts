/** Wires every Slack listener to the app: one line per surface. */
import type { App } from '@slack/bolt';
import type { BackgroundTasks } from '../../infrastructure/backgroundTasks.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { RequestRunner } from '../requestRunner.ts';
import type { RespondTo } from '../responseUrl.ts';
import { acknowledgeLinkButton, LINK_BUTTON_ACTIONS } from './actions/linkButtons.ts';
import { MARK_READ_PREFIX, markReadButton, SHOW_MORE_ACTION_ID, showMoreButton } from './actions/unreadButtons.ts';
import type { AlertChannelSettings } from '../../actions/alerts/outbox.ts';
import type { AlertPolicy } from '../../actions/alerts/policy.ts';
import type { AlertProposals } from '../../actions/alerts/proposals.ts';
import { buildAlertProposal, PROPOSAL_ACTIONS } from '../blocks/alertProposal.ts';
import { alertProposalButton } from './actions/alertProposalButtons.ts';
import type { AuditLog } from '../../actions/audit.ts';
import type { UserBudgets } from '../../actions/budgets.ts';
import type { UserDirectory } from '../../actions/ports.ts';
import type { SlackDirectory } from '../alerts/slackDirectory.ts';
import type { TeamAlerts } from '../alerts/teamAlerts.ts';
import type { HomeTab } from '../home/homeTab.ts';
import type { UserTimeZones } from '../userTimeZones.ts';
import { appHomeOpened, digestModalSubmitted, HOME_ACTIONS, HOME_DIGEST_ACTIONS, homeButton, homeDigestButton } from './events/appHomeOpened.ts';
import { DIGEST_MODAL_CALLBACK } from '../blocks/digestModal.ts';
import { actionsLogCommand } from './commands/actionsLog.ts';
import { alertCommand } from './commands/alert.ts';
import { alertChannelCommand } from './commands/alertChannel.ts';
import { eventCommand } from './commands/event.ts';
import { unreadCommand } from './commands/unread.ts';
import { digestCommand } from './commands/digest.ts';
import type { ManageDigests } from '../../actions/digests/manageDigests.ts';
import { boundUserText } from './boundUserText.ts';
import { dedupeDeliveries, type DeliveryLog } from './dedupeDeliveries.ts';
import { appMention, type AppMentionDeps } from './events/appMention.ts';
// The agent surface (Messages tab conversations): grouped here to keep merges simple.
import { AGENT_FEEDBACK_ACTION } from '../blocks/agentFeedback.ts';
import { agentFeedbackButton } from './actions/agentFeedback.ts';
import { agentMessage } from './messages/agentMessage.ts';
import { agentSessionStopped } from './events/agentSessionStopped.ts';
import { RunningTurns } from '../agent/runningTurns.ts';
import type { StepApprovals } from '../../actions/agent/approvals.ts';
import { APPROVAL_ACTIONS } from '../blocks/approvalCard.ts';
import { agentApprovalButton } from './actions/agentApproval.ts';
import type { Planner } from '../../actions/llm/planner.ts';
import { continuePlanAfterConnected, planInThread } from '../agent/plannedTurn.ts';
import type { ContinueConversation } from '../afterConnected.ts';
import type { AgentConversationDeps } from '../agent/agentConversation.ts';
import { workspaceRemoved, type WorkspaceRemoval } from './events/workspaceRemoved.ts';
import type { ThreadStates } from '../../actions/agent/threadState.ts';
import type { StepEdits } from '../../actions/agent/edits.ts';
import type { ViewedChannels } from '../../actions/agent/viewedChannels.ts';
import { EDIT_CALLBACKS } from '../agent/stepEdits.ts';
import { PROPOSAL_EDIT_ACTION } from '../blocks/alertProposal.ts';
import { alertProposalEditButton, stepEditSubmitted } from './views/stepEdit.ts';
import { proposeAlertInConversation } from '../agent/viewedChannel.ts';
import { appContextChanged } from './events/appContextChanged.ts';

export interface ListenerDeps {
  runner: RequestRunner;
  tasks: BackgroundTasks;
  /** Posts to a command's or button's response_url. */
  respondTo: RespondTo;
  timeZones: UserTimeZones;
  alerts: TeamAlerts;
  alertChannels: { channels: AlertChannelSettings; directory: SlackDirectory; policy: AlertPolicy; defaultChannel: string | undefined };
  audit: AuditLog;
  /** AUDIT_RETENTION_DAYS, for /actions-log to say how far back it reaches. */
  auditRetentionDays: number;
  users: UserDirectory;
  home: HomeTab;
  budgets: UserBudgets;
  /** Optional: a chat model's reading of a mention, tried before the deterministic parser. */
  chooseIntent?: AppMentionDeps['chooseIntent'];
  /** Optional: the chat model planning agent conversations in several steps. */
  planner?: Planner;
  deliveries: DeliveryLog;
  /** Scheduled digests: `/digest` and the App Home's Pause / Resume. */
  digests: ManageDigests;
  /** Alerts a chat model proposed, kept until their sender presses Post or Cancel. */
  proposals: AlertProposals;
  /** Agent conversations: what each Messages tab thread last showed, for its follow-ups. */
  threads: ThreadStates;
  /** Agent conversations: writing steps waiting for their user's Approve. */
  approvals: StepApprovals;
  /** Uninstalls: `app_uninstalled` and `tokens_revoked` remove what the bot kept for the workspace. */
  workspaceRemoval: WorkspaceRemoval;
  /** Agent conversations: the Edit modals opened on cards. */
  edits: StepEdits;
  /** Agent conversations: the channel each user views beside the agent (app_context_changed). */
  viewedChannels: ViewedChannels;
  /** INLINE_ANSWER_MS: how long a command's answer may take to go back inside its acknowledgement. */
  inlineAnswerMs?: number;
  logger: Logger;
  now: () => Date;
}

/** What the listeners offer the rest of the bot: a plan waiting on a connection, continued once it is made. */
export interface RegisteredListeners {
  continueConversation?: ContinueConversation;
}

export function registerListeners(app: App, deps: ListenerDeps): RegisteredListeners {
  app.use(dedupeDeliveries(deps.deliveries, deps.logger, deps.now));
  app.use(boundUserText(deps));
  app.command('/unread', unreadCommand(deps));
  app.command('/event', eventCommand(deps));
  app.command('/alert', alertCommand(deps));
  app.command('/alert-channel', alertChannelCommand({ ...deps.alertChannels, tasks: deps.tasks, respondTo: deps.respondTo, now: deps.now }));
  app.command('/actions-log', actionsLogCommand(deps));
  app.command('/digest', digestCommand({ ...deps, refreshHome: (user) => deps.home.publish(user) }));
  app.event('app_mention', appMention({
    ...deps,
    // "tell this channel …" in a mention means the channel it was written in.
    raiseAlert: (user, intent, where, reply) => deps.alerts.raise(user, intent.thisChannel ? { ...intent, channel: where.channelId } : intent, reply),
    proposeAlert: async (user, intent, reply) => {
      const { kind: _kind, ...request } = intent;
      const proposal = await deps.proposals.keep(user, request, deps.now());
      await reply.send(buildAlertProposal({ proposalId: proposal.id, request: proposal.request }));
    },
  }));
  app.event('app_home_opened', appHomeOpened(deps));
  const removed = workspaceRemoved({ removal: deps.workspaceRemoval, tasks: deps.tasks, logger: deps.logger });
  app.event('app_uninstalled', removed);
  app.event('tokens_revoked', removed);
  // The agent surface: Messages tab threads, Slack's Stop, the feedback buttons.
  const turns = new RunningTurns();
  app.event('agent_session_stopped', agentSessionStopped({ ...deps, turns }));
  const agent: AgentConversationDeps & ListenerDeps & { turns: RunningTurns } = {
    ...deps,
    turns,
    proposeAlert: proposeAlertInConversation({ ...deps, channels: deps.alertChannels.channels, defaultChannel: deps.alertChannels.defaultChannel }),
  };
  const { planner } = deps;
  // With a chat model, each request is planned by it in several steps.
  if (planner) agent.planTurn = (stream, thread, text, signal) => planInThread({ ...agent, planner }, stream, thread, text, signal);
  app.event('app_context_changed', appContextChanged(deps));
  app.event('message', agentMessage(agent));
  app.action({ type: 'block_actions', action_id: APPROVAL_ACTIONS }, agentApprovalButton(agent));
  app.view({ type: 'view_submission', callback_id: new RegExp(`^(${EDIT_CALLBACKS.join('|')})$`) }, stepEditSubmitted(agent));
  app.action({ type: 'block_actions', action_id: PROPOSAL_EDIT_ACTION }, alertProposalEditButton(agent));
  app.action({ type: 'block_actions', action_id: AGENT_FEEDBACK_ACTION }, agentFeedbackButton(deps));
  app.action(LINK_BUTTON_ACTIONS, acknowledgeLinkButton);
  app.action({ type: 'block_actions', action_id: HOME_ACTIONS }, homeButton(deps));
  app.action({ type: 'block_actions', action_id: HOME_DIGEST_ACTIONS }, homeDigestButton(deps));
  app.view(DIGEST_MODAL_CALLBACK, digestModalSubmitted(deps));
  app.action({ type: 'block_actions', action_id: new RegExp(`^${MARK_READ_PREFIX}`) }, markReadButton(deps));
  app.action({ type: 'block_actions', action_id: SHOW_MORE_ACTION_ID }, showMoreButton(deps));
  app.action({ type: 'block_actions', action_id: PROPOSAL_ACTIONS }, alertProposalButton(deps));
  return planner ? { continueConversation: (client, request, outcome) => continuePlanAfterConnected({ ...agent, planner }, client, request, outcome) } : {};
}
