/** Which commands may hold their ack for an inline answer: only while few are in flight. */
import { describe, expect, it } from 'vitest';
import { InlineAnswerGate } from '../../../src/slack/inlineAnswerGate.ts';

describe('InlineAnswerGate', () => {
  it('lets up to maxInFlight commands hold their ack, and releases them all when one more arrives', () => {
    const gate = new InlineAnswerGate(2);
    const released: string[] = [];
    const a = gate.enter(() => released.push('a'));
    const b = gate.enter(() => released.push('b'));
    expect([a.inline, b.inline]).toEqual([true, true]);
    expect(released).toEqual([]);
    const c = gate.enter(() => released.push('c'));
    expect(c.inline).toBe(false);
    expect(released).toEqual(['a', 'b']);
    // Released once only: a fourth arrival does not acknowledge them again.
    const d = gate.enter(() => released.push('d'));
    expect(d.inline).toBe(false);
    expect(released).toEqual(['a', 'b']);
    expect(gate.commandsInFlight).toBe(4);
  });

  it('counts a command until its work is over, once, and opens again as they finish', () => {
    const gate = new InlineAnswerGate(1);
    const first = gate.enter(() => {});
    expect(gate.enter(() => {}).inline).toBe(false);
    first.leave();
    first.leave();
    expect(gate.commandsInFlight).toBe(1);
    const released: string[] = [];
    const third = gate.enter(() => released.push('third'));
    expect(third.inline).toBe(false);
    expect(gate.commandsInFlight).toBe(2);
  });

  it('a command that left is not released by later arrivals', () => {
    const gate = new InlineAnswerGate(1);
    const released: string[] = [];
    const first = gate.enter(() => released.push('first'));
    first.leave();
    expect(gate.enter(() => released.push('second')).inline).toBe(true);
    gate.enter(() => released.push('third'));
    expect(released).toEqual(['second']);
  });

  it('0: no command holds its ack', () => {
    expect(new InlineAnswerGate(0).enter(() => {}).inline).toBe(false);
  });
});
