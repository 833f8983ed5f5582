import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { machineHash, machines, stateExists } from '../../machines/index.js';
import { sha256Hex } from '../../machines/sha256.js';

const tiny = (target: 'b' | 'c', description: string) =>
  setup({}).createMachine({
    id: 'tiny',
    initial: 'a',
    states: { a: { description, on: { GO: target } }, b: {}, c: {} },
  });

describe('machines registry', () => {
  it('lists the three procedures under their ids when looked up', () => {
    expect(Object.keys(machines)).toEqual(['offline-backup', 'online-backup', 'roll-forward']);
    for (const [id, machine] of Object.entries(machines)) expect(machine.id).toBe(id);
  });

  it('hashes like node:crypto sha256 when given any text', () => {
    for (const text of ['', 'abc', 'x'.repeat(55), 'y'.repeat(64), 'é ✓ — 1000 chars '.repeat(60)]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });

  it('gives a stable, distinct hash per machine when hashed twice', () => {
    const hashes = Object.values(machines).map((m) => machineHash(m));
    expect(hashes.map((h) => h.length)).toEqual([64, 64, 64]);
    expect(new Set(hashes).size).toBe(3);
    expect(Object.values(machines).map((m) => machineHash(m))).toEqual(hashes);
  });

  it('changes the hash when a transition changes but not when a description does', () => {
    expect(machineHash(tiny('b', 'one'))).toBe(machineHash(tiny('b', 'two')));
    expect(machineHash(tiny('b', 'one'))).not.toBe(machineHash(tiny('c', 'one')));
  });

  it('tells whether a persisted state value still exists when asked', () => {
    const online = machines['online-backup'];
    expect(stateExists(online, 'verifyCopy')).toBe(true);
    expect(stateExists(online, { quiesced: 'copyFiles' })).toBe(true);
    expect(stateExists(online, { quiesced: 'nope' })).toBe(false);
    expect(stateExists(online, 'nope')).toBe(false);
    expect(stateExists(online, 42)).toBe(false);
    expect(stateExists(machines['roll-forward'], 'abortedDuringRollForward')).toBe(true);
  });
});
