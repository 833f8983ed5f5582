// Builds the definition index `show` reads (src/audit/state-names.ts): for today's machines
// and every archived one, the hash runs record and the name of every state. Written once by
// the build (src/build/write-definition-index.ts); test/unit/audit/definition-index.test.ts
// checks the built file against the machines.
import { currentHash, type DefinitionRegistry } from '../../machines/index.js';
import { stepNames } from './outcome.js';
import type { DefinitionIndex, IndexedDefinition } from './state-names.js';
import type { AnyStateMachine } from 'xstate';

function indexed(machineId: string, hash: string, current: boolean, machine: AnyStateMachine): IndexedDefinition {
  return { machineId, hash, current, states: [...stepNames(machine).values()].map((n) => [n.state, n.kb, n.title]) };
}

/** The index of every definition the registry resolves: today's first, then the archived ones. */
export function buildDefinitionIndex(registry: DefinitionRegistry): DefinitionIndex {
  return {
    definitions: [
      ...Object.entries(registry.current).map(([id, m]) => indexed(id, currentHash(registry, id)!, true, m)),
      ...registry.archived.map((a) => indexed(a.machineId, a.hash, false, a.machine)),
    ],
  };
}
