/**
 * The RFC 5322 message of a reply, built by nodemailer's MailComposer (headers encoded, body
 * quoted-printable, lines folded), threaded with the original through In-Reply-To and References,
 * and encoded base64url as Gmail's `raw` takes it. nodemailer is loaded on the first reply: most
 * bots never draft one, and its MIME modules would count in every start's memory.
 */

export async function buildReplyMime(reply: {
  from?: string | undefined;
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string | undefined;
  references: string[];
}): Promise<string> {
  const subject = /^re:/i.test(reply.subject.trim()) ? reply.subject.trim() : `Re: ${reply.subject.trim()}`.trim();
  const references = reply.inReplyTo && !reply.references.includes(reply.inReplyTo) ? [...reply.references, reply.inReplyTo] : reply.references;
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  const mail = new MailComposer({
    ...(reply.from ? { from: reply.from } : {}),
    to: reply.to,
    subject,
    text: reply.text,
    ...(reply.inReplyTo ? { inReplyTo: reply.inReplyTo } : {}),
    ...(references.length > 0 ? { references } : {}),
  });
  const built = await mail.compile().build();
  return built.toString('base64url');
}
