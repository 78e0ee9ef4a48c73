/** The cap on background work: at most maxInFlight at once, maxQueued waiting, the rest refused (onBusy), drain waits for all. */
import { describe, expect, it } from 'vitest';
import { BackgroundTasks, MAX_DEFER_MS, START_PER_TURN } from '../../../src/infrastructure/backgroundTasks.ts';
import { createLogger } from '../../../src/infrastructure/logger.ts';

const logger = createLogger({ level: 'silent' });

/** Counts turns of the event loop (one setImmediate each), up to `limit`. */
function countTurns(limit: number): { readonly now: number } {
  const counter = { now: 0 };
  const next = (): void => {
    setImmediate(() => {
      counter.now += 1;
      if (counter.now < limit) next();
    });
  };
  next();
  return counter;
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('BackgroundTasks', () => {
  it('runs at most maxInFlight at once, queues maxQueued in order, refuses the rest', async () => {
    const tasks = new BackgroundTasks(logger, { maxInFlight: 2, maxQueued: 2 });
    const held = gate();
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const busy: number[] = [];
    const accepted = Array.from({ length: 6 }, (_, i) =>
      tasks.run(
        `t${i}`,
        async () => {
          running++;
          most = Math.max(most, running);
          order.push(i);
          await held.opened;
          running--;
        },
        async () => {
          busy.push(i);
        },
      ),
    );
    expect(accepted).toEqual([true, true, true, true, false, false]);
    await expect.poll(() => order).toEqual([0, 1]);
    expect(tasks.inFlight).toBe(2);
    held.open();
    expect(await tasks.drain(5_000)).toBe(true);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(busy).toEqual([4, 5]);
    expect(most).toBe(2);
    expect(tasks.size).toBe(0);
  });

  it('frees the slot of a task that fails', async () => {
    const tasks = new BackgroundTasks(logger, { maxInFlight: 1, maxQueued: 0 });
    expect(tasks.run('fails', async () => Promise.reject(new Error('boom')))).toBe(true);
    await tasks.drain(5_000);
    let ran = false;
    expect(tasks.run('next', async () => void (ran = true))).toBe(true);
    await tasks.drain(5_000);
    expect(ran).toBe(true);
  });

  it('acknowledgements first: a task starts in a later turn of the event loop, after what was already waiting for it', async () => {
    const tasks = new BackgroundTasks(logger);
    const order: string[] = [];
    tasks.run('work', async () => {
      order.push('task');
    });
    // Stands for I/O read in the next turn (a Slack request to acknowledge): it goes first.
    setImmediate(() => order.push('waiting callback'));
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual([]);
    await tasks.drain(5_000);
    expect(order).toEqual(['waiting callback', 'task']);
  });

  it('tasks asked for in one turn start together in the next; one asked for meanwhile waits for the turn after', async () => {
    const tasks = new BackgroundTasks(logger);
    const order: string[] = [];
    const turns = countTurns(50);
    for (const name of ['a', 'b']) {
      tasks.run(name, async () => {
        order.push(`${name}@${turns.now}`);
        if (name === 'a') tasks.run('c', async () => void order.push(`c@${turns.now}`));
      });
    }
    await tasks.drain(5_000);
    expect(order.map((entry) => entry.split('@')[0])).toEqual(['a', 'b', 'c']);
    const [a, b, c] = order.map((entry) => Number(entry.split('@')[1]));
    expect(a).toBe(b);
    expect(c).toBeGreaterThan(a!);
  });

  it('a burst of tasks starts START_PER_TURN a turn, in order, with the event loop turning in between', async () => {
    const tasks = new BackgroundTasks(logger);
    const started: Array<{ index: number; turn: number }> = [];
    const turns = countTurns(200);
    const total = START_PER_TURN * 2 + 3;
    for (let index = 0; index < total; index++) tasks.run(`t${index}`, async () => void started.push({ index, turn: turns.now }));
    await tasks.drain(5_000);
    expect(started.map((s) => s.index)).toEqual(Array.from({ length: total }, (_, i) => i));
    const perTurn = new Map<number, number>();
    for (const s of started) perTurn.set(s.turn, (perTurn.get(s.turn) ?? 0) + 1);
    expect([...perTurn.values()]).toEqual([START_PER_TURN, START_PER_TURN, 3]);
  });

  it('while tasks are asked for in every turn (requests still arriving), none starts until the oldest has waited MAX_DEFER_MS', async () => {
    const tasks = new BackgroundTasks(logger);
    const askedAt: number[] = [];
    const startedAt = new Map<number, number>();
    let arriving = true;
    let stoppedArrivingAt = 0;
    const arrive = (index: number): void => {
      askedAt[index] = performance.now();
      tasks.run(`t${index}`, async () => void startedAt.set(index, performance.now()));
      setImmediate(() => {
        if (performance.now() - askedAt[0]! < MAX_DEFER_MS * 2) arrive(index + 1);
        else {
          arriving = false;
          stoppedArrivingAt = performance.now();
        }
      });
    };
    arrive(0);
    while (arriving) await new Promise((resolve) => setTimeout(resolve, 10));
    await tasks.drain(5_000);
    expect(startedAt.get(0)! - askedAt[0]!).toBeGreaterThanOrEqual(MAX_DEFER_MS);
    // Never starved: work went on while requests kept arriving, once it had waited its time.
    expect(startedAt.get(0)!).toBeLessThan(stoppedArrivingAt);
    expect(startedAt.size).toBe(askedAt.length);
  });

  it('a task asked for alone starts in the next turn of the event loop', async () => {
    const tasks = new BackgroundTasks(logger);
    const turns = countTurns(50);
    let startedInTurn: number | undefined;
    tasks.run('alone', async () => void (startedInTurn = turns.now));
    await tasks.drain(5_000);
    expect(startedInTurn).toBeLessThanOrEqual(2);
  });
});
