/** The cap on background work: at most maxInFlight at once, maxQueued waiting, the rest refused (onBusy), drain waits for all. */
import { describe, expect, it } from 'vitest';
import { BackgroundTasks, START_PER_TURN } from '../../../src/infrastructure/backgroundTasks.ts';
import { createLogger } from '../../../src/infrastructure/logger.ts';

const logger = createLogger({ level: 'silent' });

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
    let turn = 0;
    const count = (): void => {
      setImmediate(() => {
        turn += 1;
        if (turn < 50) count();
      });
    };
    count();
    for (const name of ['a', 'b']) {
      tasks.run(name, async () => {
        order.push(`${name}@${turn}`);
        if (name === 'a') tasks.run('c', async () => void order.push(`c@${turn}`));
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
    let turn = 0;
    const count = (): void => {
      setImmediate(() => {
        turn += 1;
        if (turn < 200) count();
      });
    };
    count();
    const total = START_PER_TURN * 2 + 3;
    for (let index = 0; index < total; index++) tasks.run(`t${index}`, async () => void started.push({ index, turn }));
    await tasks.drain(5_000);
    expect(started.map((s) => s.index)).toEqual(Array.from({ length: total }, (_, i) => i));
    const perTurn = new Map<number, number>();
    for (const s of started) perTurn.set(s.turn, (perTurn.get(s.turn) ?? 0) + 1);
    expect([...perTurn.values()]).toEqual([START_PER_TURN, START_PER_TURN, 3]);
  });
});
