/** Collects the bot's log lines in memory, so tests can check that nothing secret was logged. */
import { Writable } from 'node:stream';

export class LogCapture {
  readonly lines: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        this.lines.push(line);
        for (const listener of this.listeners) listener(line);
      }
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

  /**
   * Resolves once `count` lines containing `fragment` have been captured from now on (lines
   * already captured do not count); rejects with `what` after `timeoutMs`.
   */
  nextLines(fragment: string, count: number, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      let seen = 0;
      const listener = (line: string) => {
        if (!line.includes(fragment) || ++seen < count) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(what));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }
}
