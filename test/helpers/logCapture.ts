/** Collects the bot's log lines in memory, so tests can check that nothing secret was logged. */
import { Writable } from 'node:stream';

export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });

  get text(): string {
    return this.lines.join('\n');
  }

  /** The secrets (strings) found anywhere in the captured lines. */
  leaks(secrets: string[]): string[] {
    const text = this.text;
    return secrets.filter((secret) => secret.length > 0 && text.includes(secret));
  }
}
