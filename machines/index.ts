// The registry of procedure machines: the only place the CLI and engine look them up.
// The id is what the store records with each run, next to machineHash().
import type { AnyStateMachine, StateValue } from 'xstate';
import { canonicalJson, describeMachine } from './definition.js';
import { offlineBackupMachine } from './offline-backup.js';
import { onlineBackupMachine } from './online-backup.js';
import { rollForwardMachine } from './roll-forward.js';
import { sha256Hex } from './sha256.js';

export const machines = {
  'offline-backup': offlineBackupMachine,
  'online-backup': onlineBackupMachine,
  'roll-forward': rollForwardMachine,
} as const;

export type MachineId = keyof typeof machines;

/** sha256 of the canonical definition: a resume refuses a changed machine unless its state still exists. */
export function machineHash(machine: AnyStateMachine): string {
  return sha256Hex(canonicalJson(describeMachine(machine)));
}

/** True when every state named in a persisted state value exists in the machine. */
export function stateExists(machine: AnyStateMachine, stateValue: unknown): boolean {
  return valueExists(machine.root.states, stateValue);
}

function valueExists(states: AnyStateMachine['root']['states'], value: unknown): boolean {
  if (typeof value === 'string') return Object.hasOwn(states, value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value as Exclude<StateValue, string>);
  if (entries.length === 0) return false;
  return entries.every(([key, inner]) => {
    const node = Object.hasOwn(states, key) ? states[key] : undefined;
    if (node === undefined) return false;
    // a compound value names a child; `{}` inner values occur for atomic states in xstate snapshots
    if (inner === undefined || (typeof inner === 'object' && inner !== null && Object.keys(inner).length === 0)) return true;
    return valueExists(node.states, inner);
  });
}
