// The state names (article step, plain title) of the definition a run ran under, for `show`:
// read from the definition index the build writes next to the machines
// (dist/machines/definition-index.json, src/audit/definition-index.ts), so `show` loads neither
// xstate nor a machine module, builds no archived definition and hashes nothing. Without a
// usable index (a build by `tsc` alone, or one older than the machines it sits beside) the
// names are read from the machines themselves, as before.
import { readFileSync, statSync } from 'node:fs';
import type { StateNames } from './outcome.js';

/** One definition in the index: the hash runs record, whether it is today's, and its states as [name, kb, title]. */
export interface IndexedDefinition {
  machineId: string;
  hash: string;
  current: boolean;
  states: [state: string, kb: string, title: string][];
}

export interface DefinitionIndex {
  definitions: IndexedDefinition[];
}

/** dist/machines/, where the compiled machines are and `npm run build` writes the index (src/build/write-definition-index.ts). */
const MACHINES_DIR = new URL('../../machines/', import.meta.url);
export const INDEX_NAME = 'definition-index.json';

/** The index in `dir`, when it is at least as new as the compiled machines beside it; else undefined. */
function readIndex(dir: URL): DefinitionIndex | undefined {
  try {
    const file = new URL(INDEX_NAME, dir);
    // a `tsc` run after the index was written may have changed the machines: do not trust it then
    if (statSync(file).mtimeMs < statSync(new URL('index.js', dir)).mtimeMs) return undefined;
    return JSON.parse(readFileSync(file, 'utf8')) as DefinitionIndex;
  } catch {
    return undefined;
  }
}

/** Where the build writes the index. */
export const DEFINITION_INDEX_FILE = new URL(INDEX_NAME, MACHINES_DIR);

/** A StateNames table from an index entry. */
export function namesOf(d: IndexedDefinition): StateNames {
  return new Map(d.states.map(([state, kb, title]) => [state, { state, kb, title }]));
}

/**
 * The states of the definition `run` ran under: the one of its recorded hash, else today's
 * definition of its machine (what collectEvidence falls back to), else none.
 */
export async function stateNamesFor(
  run: { machineId: string; machineHash: string },
  machinesDir: URL = MACHINES_DIR,
): Promise<StateNames> {
  const defs = readIndex(machinesDir)?.definitions;
  const entry =
    defs?.find((d) => d.machineId === run.machineId && d.hash === run.machineHash) ??
    defs?.find((d) => d.machineId === run.machineId && d.current);
  if (entry) return namesOf(entry);
  const [{ definitionFor, definitionRegistry }, { stepNames }] = await Promise.all([
    import('../../machines/index.js'),
    import('./outcome.js'),
  ]);
  const machine =
    definitionFor(definitionRegistry, run.machineId, run.machineHash)?.machine ??
    (Object.hasOwn(definitionRegistry.current, run.machineId) ? definitionRegistry.current[run.machineId] : undefined);
  return machine ? stepNames(machine) : new Map();
}
