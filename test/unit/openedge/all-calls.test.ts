// allCalls: parallel utility calls settle together, so a refusal never leaves a call running
// behind the step that started it.
import { describe, expect, it } from 'vitest';
import { allCalls } from '../../../src/openedge/all-calls.js';

/** A call that ends only when the test says so. */
function heldCall(): { promise: Promise<string>; end: () => void } {
  let end = (): void => undefined;
  const promise = new Promise<string>((resolve) => {
    end = () => resolve('ended');
  });
  return { promise, end };
}

/** Let every pending promise job and I/O callback run once. */
const settleQueued = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('allCalls', () => {
  it('returns every value in order, typed per position', async () => {
    const [a, b] = await allCalls([Promise.resolve(1), Promise.resolve('two')]);
    expect([a, b]).toEqual([1, 'two']);
  });

  it('waits for a call still running before it fails with the first failure', async () => {
    const held = heldCall();
    let outcome: string | null = null;
    const all = allCalls([
      held.promise,
      Promise.reject(new Error('refused')),
      Promise.reject(new Error('second')),
    ]).then(
      () => (outcome = 'resolved'),
      (err: Error) => (outcome = err.message),
    );
    await settleQueued();
    expect(outcome).toBeNull(); // Promise.all would have rejected by now
    held.end();
    await all;
    expect(outcome).toBe('refused');
  });
});
