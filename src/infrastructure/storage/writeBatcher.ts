/**
 * Group commit for writes that arrive together: while one write is in flight, the writes that
 * arrive meanwhile wait and then go to the database as one statement. Alone, a write goes at once
 * (no timer, no added latency); under load, a hundred commands cost a few statements instead of a
 * hundred, which on the embedded database is most of a command's CPU. Each caller's promise
 * settles when its own batch is written, so a resolved write is as durable as before, and with
 * the result the write gave for its item, if it gives one per item.
 *
 * On SQLite a statement runs synchronously, so no write is ever "in flight" and every write would
 * go alone. `gather: 'turn'` makes the first write wait for the end of the current turn of the
 * event loop (setImmediate), so that everything asked for in that turn (a burst's requests, read
 * together) goes in one statement and one commit.
 */
export interface WriteBatcherOptions {
  /** Keeps one statement's parameters well under PostgreSQL's 65535. */
  maxBatch?: number;
  /** 'now' (default): a lone write starts at once. 'turn': it starts once this turn's writes have joined it. */
  gather?: 'now' | 'turn';
}

export class WriteBatcher<T, R = void> {
  private readonly write: (items: T[]) => Promise<R[] | void>;
  private readonly maxBatch: number;
  private readonly gather: 'now' | 'turn';
  private queue: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  private draining = false;

  constructor(write: (items: T[]) => Promise<R[] | void>, options: WriteBatcherOptions = {}) {
    this.write = write;
    this.maxBatch = Math.max(1, options.maxBatch ?? 200);
    this.gather = options.gather ?? 'now';
  }

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      if (this.gather === 'turn') setImmediate(() => void this.drain());
      else void this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((waiting) => waiting.item));
          batch.forEach((waiting, index) => waiting.resolve((results ? results[index] : undefined) as R));
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
