/**
 * The baseline: a minimal Bolt app that answers /unread the way Scalekit's Agent Auth quickstart
 * reads Gmail, taken literally. On every request: read the connected account (and its token) from
 * Scalekit with `scalekit.actions.getConnectedAccount`, list unread messages, then fetch each
 * message with its own `messages.get`, one after another, and post the summary with respond().
 * No token cache, no batching, plain fetch. The bench runs it against the same stand-ins as the bot.
 *
 * Settings come from the environment (the bench sets them): BASELINE_PORT, SLACK_BOT_TOKEN,
 * SLACK_SIGNING_SECRET, SLACK_API_URL, SCALEKIT_ENV_URL, SCALEKIT_CLIENT_ID, SCALEKIT_CLIENT_SECRET,
 * GMAIL_API_URL, GMAIL_CONNECTION_NAME.
 */
import process from 'node:process';
import { App, LogLevel } from '@slack/bolt';
import { ScalekitClient } from '@scalekit-sdk/node';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`baseline: ${name} is required`);
  return value;
}

const gmailApi = required('GMAIL_API_URL').replace(/\/+$/, '');
const connectionName = process.env.GMAIL_CONNECTION_NAME ?? 'gmail';
const scalekit = new ScalekitClient(required('SCALEKIT_ENV_URL'), required('SCALEKIT_CLIENT_ID'), required('SCALEKIT_CLIENT_SECRET'));

const app = new App({
  token: required('SLACK_BOT_TOKEN'),
  signingSecret: required('SLACK_SIGNING_SECRET'),
  clientOptions: { slackApiUrl: required('SLACK_API_URL') },
  logLevel: LogLevel.ERROR,
  customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200).end('ok') }],
});

interface GmailMessage {
  id: string;
  snippet?: string;
  payload?: { headers?: Array<{ name: string; value: string }> };
}

async function gmail<T>(path: string, accessToken: string): Promise<T> {
  const response = await fetch(`${gmailApi}${path}`, { headers: { Authorization: `Bearer ${accessToken}` } });
  if (!response.ok) throw new Error(`Gmail answered ${response.status}`);
  return (await response.json()) as T;
}

app.command('/unread', async ({ command, ack, respond }) => {
  await ack();
  try {
    // Quickstart step: fetch the connected account on every request; Scalekit keeps the token fresh.
    const { connectedAccount } = await scalekit.actions.getConnectedAccount({
      connectionName,
      identifier: `slack:T:${command.team_id}:${command.user_id}`,
    });
    const details = connectedAccount?.authorizationDetails?.details;
    const accessToken = details?.case === 'oauthToken' ? details.value.accessToken : undefined;
    if (!accessToken) throw new Error('the account has no access token');

    const list = await gmail<{ messages?: Array<{ id: string }> }>('/gmail/v1/users/me/messages?q=is%3Aunread&maxResults=5', accessToken);
    const messages: GmailMessage[] = [];
    for (const { id } of list.messages ?? []) {
      messages.push(
        await gmail<GmailMessage>(
          `/gmail/v1/users/me/messages/${id}?format=metadata&metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date`,
          accessToken,
        ),
      );
    }

    const header = (message: GmailMessage, name: string) => message.payload?.headers?.find((h) => h.name === name)?.value ?? '';
    await respond({
      response_type: 'ephemeral',
      text: `You have ${messages.length} unread emails`,
      blocks: messages.map((message) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: `*${header(message, 'Subject')}*\n${header(message, 'From')}\n${message.snippet ?? ''}` },
      })),
    });
  } catch (error) {
    await respond({ response_type: 'ephemeral', text: `Could not read your email: ${(error as Error).message}` });
  }
});

await app.start(Number(required('BASELINE_PORT')));

const stop = () => {
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started by the bench with an IPC channel: if the bench dies, so does the baseline.
if (process.send) {
  process.channel?.unref();
  process.once('disconnect', () => process.exit(0));
}
