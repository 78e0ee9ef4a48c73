import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../../../src/infrastructure/storage/writeBatcher.ts';

/** A write that stays in flight until released, noting each batch it was given. */
function gatedWrite() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  let failNext: Error | undefined;
  const write = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      const failure = failNext;
      failNext = undefined;
      gates.push(() => (failure ? reject(failure) : resolve()));
    });
  return {
    batches,
    write,
    release: () => gates.shift()?.(),
    failNextWith: (error: Error) => void (failNext = error),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteBatcher', () => {
  it('writes a lone item at once, without waiting for company', async () => {
    const gate = gatedWrite();
    const batcher = new WriteBatcher(gate.write);
    const written = batcher.add(1);
    expect(gate.batches).toEqual([[1]]);
    gate.release();
    await expect(written).resolves.toBeUndefined();
  });

  it('sends what arrived while a write was in flight as one batch, and resolves each caller with its batch', async () => {
    const gate = gatedWrite();
    const batcher = new WriteBatcher(gate.write);
    const first = batcher.add(1);
    let laterDone = false;
    const later = Promise.all([batcher.add(2), batcher.add(3), batcher.add(4)]).then(() => (laterDone = true));
    expect(gate.batches).toEqual([[1]]);
    gate.release();
    await first;
    await settle();
    expect(gate.batches).toEqual([[1], [2, 3, 4]]);
    expect(laterDone).toBe(false);
    gate.release();
    await later;
    expect(laterDone).toBe(true);
  });

  it('splits a long queue into batches of at most maxBatch', async () => {
    const gate = gatedWrite();
    const batcher = new WriteBatcher(gate.write, { maxBatch: 2 });
    const all = Promise.all([1, 2, 3, 4, 5, 6].map((n) => batcher.add(n)));
    for (let i = 0; i < 4; i++) {
      await settle();
      gate.release();
    }
    await all;
    expect(gate.batches).toEqual([[1], [2, 3], [4, 5], [6]]);
  });

  it('fails only the callers whose batch failed, and goes on with the rest', async () => {
    const gate = gatedWrite();
    const batcher = new WriteBatcher(gate.write);
    gate.failNextWith(new Error('database is down'));
    const first = batcher.add(1);
    const second = batcher.add(2);
    gate.release();
    await expect(first).rejects.toThrow('database is down');
    await settle();
    gate.release();
    await expect(second).resolves.toBeUndefined();
    expect(gate.batches).toEqual([[1], [2]]);
  });

  it('starts again when items arrive after the queue ran dry', async () => {
    const gate = gatedWrite();
    const batcher = new WriteBatcher(gate.write);
    const first = batcher.add(1);
    gate.release();
    await first;
    const second = batcher.add(2);
    expect(gate.batches).toEqual([[1], [2]]);
    gate.release();
    await second;
  });

  it("gather: 'turn': the writes asked for in one turn of the event loop go together, in the next", async () => {
    const gate = gatedWrite();
    const batcher = new WriteBatcher(gate.write, { gather: 'turn' });
    const all = Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    expect(gate.batches).toEqual([]);
    await settle();
    expect(gate.batches).toEqual([[1, 2, 3]]);
    gate.release();
    await all;
  });

  it('gives each caller the result the write gave for its item', async () => {
    const batcher = new WriteBatcher<number, string>(async (items) => items.map((n) => `row ${n}`), { gather: 'turn' });
    await expect(Promise.all([batcher.add(1), batcher.add(2)])).resolves.toEqual(['row 1', 'row 2']);
  });
});
