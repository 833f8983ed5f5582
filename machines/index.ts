// The registry of procedure machines: the only place the CLI and engine look them up.
// The id is what the store records with each run, next to machineHash().
import type { AnyStateMachine, StateValue } from 'xstate';
import { canonicalJson, describeMachine } from './definition.js';
import { offlineBackupMachine } from './offline-backup.js';
import { onlineBackupMachine } from './online-backup.js';
import { rollForwardMachine } from './roll-forward.js';
import { sha256Hex } from './sha256.js';
import { declaresHoldings, holdingAt, type Holding } from './state-meta.js';
import { archivedDefinitions, type ArchivedDefinition } from './versions/archive.js';
import { shippedDefinitions, type ShippedDefinition } from './versions/shipped.js';

export const machines = {
  'offline-backup': offlineBackupMachine,
  'online-backup': onlineBackupMachine,
  'roll-forward': rollForwardMachine,
} as const;

export type MachineId = keyof typeof machines;

/**
 * sha256 of the canonical definition: a resume refuses a changed machine unless its state still exists.
 * `hex` is any SHA-256 of the text's UTF-8 bytes (the engine passes node:crypto's: this file's
 * plain-TypeScript one costs ~50 ms cold at every backup's start, bench/README.md "Start phase").
 */
export function machineHash(machine: AnyStateMachine, hex: (text: string) => string = sha256Hex): string {
  return hex(canonicalJson(describeMachine(machine)));
}

/**
 * Where definitions are looked up by the hash a run recorded: today's machines, the frozen
 * archive of older ones, and the list of what each oeflow version shipped. Passed in (not
 * imported) by verify and resume so a test can stand for an upgrade that edited a machine.
 */
export interface DefinitionRegistry {
  current: Readonly<Record<string, AnyStateMachine>>;
  archived: readonly ArchivedDefinition[];
  shipped: readonly ShippedDefinition[];
}

export const definitionRegistry: DefinitionRegistry = {
  current: machines,
  archived: archivedDefinitions,
  shipped: shippedDefinitions,
};

const hashes = new WeakMap<AnyStateMachine, string>();
/** machineHash, computed once per machine object. */
function hashOf(machine: AnyStateMachine): string {
  let h = hashes.get(machine);
  if (h === undefined) hashes.set(machine, (h = machineHash(machine)));
  return h;
}

/** The definition a run ran under (by its recorded id and hash): today's, an archived one, or undefined. */
export function definitionFor(
  registry: DefinitionRegistry,
  machineId: string,
  hash: string,
): { machine: AnyStateMachine; current: boolean } | undefined {
  const current = Object.hasOwn(registry.current, machineId) ? registry.current[machineId] : undefined;
  if (current !== undefined && hashOf(current) === hash) return { machine: current, current: true };
  const archived = registry.archived.find((a) => a.machineId === machineId && a.hash === hash);
  return archived ? { machine: archived.machine, current: false } : undefined;
}

/** The hash of today's definition of `machineId`, if there is one. */
export function currentHash(registry: DefinitionRegistry, machineId: string): string | undefined {
  const current = Object.hasOwn(registry.current, machineId) ? registry.current[machineId] : undefined;
  return current === undefined ? undefined : hashOf(current);
}

/** The oeflow versions known to have shipped this definition (empty when none is known). */
export function versionsShipping(registry: DefinitionRegistry, machineId: string, hash: string): readonly string[] {
  return registry.shipped.find((s) => s.machineId === machineId && s.hash === hash)?.oeflowVersions ?? [];
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
    if (inner === undefined || (typeof inner === 'object' && inner !== null && Object.keys(inner).length === 0))
      return true;
    return valueExists(node.states, inner);
  });
}

/**
 * What a run's state holds (machines/state-meta.ts), read from the definition the run ran under.
 * Definitions frozen before states declared it (machines/versions 0.1.0 and 0.2.0) are read
 * through today's definition of the same machine: their states have the same names and meaning.
 */
export function runStateHolding(
  registry: DefinitionRegistry,
  run: { machineId: string; machineHash: string; stateValue: unknown },
): Holding | null {
  const ranUnder = definitionFor(registry, run.machineId, run.machineHash)?.machine;
  if (ranUnder !== undefined && declaresHoldings(ranUnder)) return holdingAt(ranUnder, run.stateValue);
  const current = Object.hasOwn(registry.current, run.machineId) ? registry.current[run.machineId] : undefined;
  return current === undefined ? null : holdingAt(current, run.stateValue);
}
