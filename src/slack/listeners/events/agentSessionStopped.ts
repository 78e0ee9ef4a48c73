/**
 * Slack's native Stop in an agent conversation (`agent_session_stopped`: channel, user, thread_ts,
 * streaming_message_ts[]). A turn running here is aborted (its upstream calls in flight with it) and
 * its answer closed with a line saying so. A turn this instance does not hold (finished, or running
 * on another instance) still has its streams closed and the session moved off `processing`, which
 * Slack leaves to the app.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import type { Logger } from '../../../infrastructure/logger.ts';
import { STOPPED_LINE } from '../../agent/agentConversation.ts';
import { slackError } from '../../agent/agentStream.ts';
import type { RunningTurns } from '../../agent/runningTurns.ts';
import type { ThreadStates } from '../../../actions/agent/threadState.ts';

interface StoppedEvent {
  channel?: unknown;
  user?: unknown;
  thread_ts?: unknown;
  streaming_message_ts?: unknown;
}

export function agentSessionStopped(deps: { turns: RunningTurns; threads: ThreadStates; tasks: BackgroundTasks; logger: Logger; now: () => Date }) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const stopped = event as StoppedEvent;
    if (typeof stopped.channel !== 'string' || typeof stopped.thread_ts !== 'string') return;
    const channel = stopped.channel;
    const threadTs = stopped.thread_ts;
    const streaming = Array.isArray(stopped.streaming_message_ts) ? stopped.streaming_message_ts.filter((ts): ts is string => typeof ts === 'string') : [];
    const user = typeof stopped.user === 'string' ? { teamId: body.team_id ?? '', enterpriseId: body.enterprise_id || undefined, userId: stopped.user } : undefined;
    deps.tasks.run('agent stop', async () => {
      const streams = deps.turns.stop({ channel, threadTs });
      // For a turn another instance runs: it looks for this in the database.
      if (user) await deps.threads.requestStop({ channel, threadTs }, user, deps.now());
      deps.logger.info({ channel, running: streams.length }, 'agent conversation stopped by its user');
      await Promise.all(streams.map((stream) => stream.stop(STOPPED_LINE)));
      const ours = new Set(streams.map((stream) => stream.ts));
      for (const ts of streaming.filter((ts) => !ours.has(ts))) {
        await client.chat.stopStream({ channel, ts, markdown_text: STOPPED_LINE, session_status: 'active' }).catch((error: unknown) => {
          deps.logger.info({ error: slackError(error) ?? String(error) }, 'closing a stopped stream failed');
        });
      }
      if (streams.length === 0 && streaming.length === 0) {
        await client.agents.sessions.setStatus({ channel_id: channel, thread_ts: threadTs, status: 'active' }).catch((error: unknown) => {
          deps.logger.info({ error: slackError(error) ?? String(error) }, 'setting a stopped session active failed');
        });
      }
    });
  };
}
