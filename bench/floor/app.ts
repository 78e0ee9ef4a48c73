/**
 * The floor, measured: the least any program can do to answer /unread. With FLOOR_ROUND_TRIPS=2 (the
 * new floor) it checks the Slack signature, lists unread mail, reads the messages in one batch
 * request and answers with one block per message inside the acknowledgement; with 3 (the old
 * floor) it acknowledges at once and posts the blocks to the response_url. Keep-alive connections and
 * nothing else: no framework, no token lookup (the bench's token is known), no parsing of the
 * messages, no formatting, no logging. On this machine, the gap between it and 3 x the added delay
 * is what the network stack, the process wake-ups and the stand-ins cost; the bot is compared
 * with it as well as with the theoretical floor.
 *
 * Settings come from the environment (the bench sets them): FLOOR_PORT, SLACK_SIGNING_SECRET,
 * GMAIL_API_URL, FLOOR_TOKEN_PREFIX (the token of a user is this prefix + their Slack user ID).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import process from 'node:process';
import { Agent, request } from 'undici';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`floor: ${name} is required`);
  return value;
}

const signingSecret = required('SLACK_SIGNING_SECRET');
const gmailApi = required('GMAIL_API_URL').replace(/\/+$/, '');
const tokenPrefix = required('FLOOR_TOKEN_PREFIX');
const inlineAnswer = process.env.FLOOR_ROUND_TRIPS === '2';
const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000 });

function signedBy(req: IncomingMessage, body: string): boolean {
  const timestamp = String(req.headers['x-slack-request-timestamp'] ?? '');
  const signature = Buffer.from(String(req.headers['x-slack-signature'] ?? ''));
  const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`);
  return signature.length === expected.length && timingSafeEqual(signature, expected);
}

async function answer(command: URLSearchParams, inAck?: (message: object) => void): Promise<void> {
  const authorization = `Bearer ${tokenPrefix}${command.get('user_id')}`;
  const listed = await request(`${gmailApi}/gmail/v1/users/me/messages?q=is%3Aunread&maxResults=5`, { headers: { authorization }, dispatcher: agent });
  const ids = ((await listed.body.json()) as { messages?: Array<{ id: string }> }).messages?.map((message) => message.id) ?? [];

  const boundary = 'floor_batch_boundary';
  const parts = ids.map(
    (id, i) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item-${i + 1}>\r\n\r\n` +
      `GET /gmail/v1/users/me/messages/${id}?format=metadata&metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date\r\n\r\n`,
  );
  const batch = await request(`${gmailApi}/batch/gmail/v1`, {
    method: 'POST',
    headers: { authorization, 'content-type': `multipart/mixed; boundary=${boundary}` },
    body: `${parts.join('')}--${boundary}--\r\n`,
    dispatcher: agent,
  });
  await batch.body.text();

  const message = {
    response_type: 'ephemeral',
    text: `${ids.length} unread`,
    blocks: ids.map((id) => ({ type: 'section', text: { type: 'plain_text', text: id } })),
  };
  if (inAck) return inAck(message);
  const posted = await request(command.get('response_url')!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    dispatcher: agent,
  });
  await posted.body.dump();
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.url !== '/slack/events' || !signedBy(req, body)) {
      res.writeHead(401).end();
      return;
    }
    if (inlineAnswer) {
      const reply = (message: object) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(message));
      answer(new URLSearchParams(body), reply).catch((error: unknown) => {
        process.stderr.write(`floor: ${(error as Error).message}\n`);
        if (!res.headersSent) res.writeHead(200).end();
      });
      return;
    }
    res.writeHead(200).end();
    answer(new URLSearchParams(body)).catch((error: unknown) => process.stderr.write(`floor: ${(error as Error).message}\n`));
  });
});
server.listen(Number(required('FLOOR_PORT')), '127.0.0.1');

process.on('SIGTERM', () => server.close(() => process.exit(0)));
// Started by the bench with an IPC channel: if the bench dies, so does the floor program.
if (process.send) {
  process.channel?.unref();
  process.once('disconnect', () => process.exit(0));
}
