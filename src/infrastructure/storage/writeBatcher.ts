/**
 * Group commit for writes that arrive together: while one write is in flight, the writes that
 * arrive meanwhile wait and then go to the database as one statement. Alone, a write goes at once
 * (no timer, no added latency); under load, a hundred commands cost a few statements instead of a
 * hundred, which on the embedded database is most of a command's CPU. Each caller's promise
 * settles when its own batch is written, so a resolved write is as durable as before.
 */
export class WriteBatcher<T> {
  private readonly write: (items: T[]) => Promise<void>;
  private readonly maxBatch: number;
  private queue: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  private draining = false;

  /** `maxBatch` keeps one statement's parameters well under PostgreSQL's 65535. */
  constructor(write: (items: T[]) => Promise<void>, options: { maxBatch?: number } = {}) {
    this.write = write;
    this.maxBatch = Math.max(1, options.maxBatch ?? 200);
  }

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.write(batch.map((waiting) => waiting.item));
          for (const waiting of batch) waiting.resolve();
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
