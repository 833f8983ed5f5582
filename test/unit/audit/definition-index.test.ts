// The definition index the build writes (dist/machines/definition-index.json) is what `show`
// names states from without loading a machine: it must hold exactly the hashes and state names
// of today's and every archived definition. A machine edited after the last build, or an index
// whose hash or names drifted from the definition, fails here.
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { definitionRegistry, machineHash } from '../../../machines/index.js';
import { buildDefinitionIndex } from '../../../src/audit/definition-index.js';
import { stepNames } from '../../../src/audit/outcome.js';
import { INDEX_NAME, stateNamesFor, type DefinitionIndex } from '../../../src/audit/state-names.js';

const BUILT = resolve(import.meta.dirname, '../../../dist/machines');
const builtIndex = (): DefinitionIndex => JSON.parse(readFileSync(join(BUILT, INDEX_NAME), 'utf8')) as DefinitionIndex;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A machines directory holding `index` and an index.js written `indexAgeS` seconds after it. */
function machinesDir(index: DefinitionIndex, indexAgeS: number): URL {
  const dir = mkdtempSync(join(tmpdir(), 'oeflow-defindex-'));
  dirs.push(dir);
  writeFileSync(join(dir, INDEX_NAME), JSON.stringify(index));
  writeFileSync(join(dir, 'index.js'), '');
  const now = Date.now() / 1000;
  utimesSync(join(dir, INDEX_NAME), now - indexAgeS, now - indexAgeS);
  utimesSync(join(dir, 'index.js'), now, now);
  return pathToFileURL(`${dir}/`);
}

describe('definition index', () => {
  it('the built index is the index of the machines in the source (rebuild after editing a machine)', () => {
    expect(builtIndex()).toEqual(buildDefinitionIndex(definitionRegistry));
  });

  it("records today's hash of every current machine and the names of every state of every definition", () => {
    const index = builtIndex();
    for (const [id, machine] of Object.entries(definitionRegistry.current)) {
      const entry = index.definitions.find((d) => d.machineId === id && d.current);
      expect(entry?.hash, id).toBe(machineHash(machine));
      expect(entry?.states.map(([state, kb, title]) => ({ state, kb, title }))).toEqual([
        ...stepNames(machine).values(),
      ]);
    }
    for (const a of definitionRegistry.archived) {
      const entry = index.definitions.find((d) => d.machineId === a.machineId && d.hash === a.hash);
      expect(entry?.current, `${a.machineId} ${a.hash}`).toBe(false);
      expect(entry?.states.map(([state, kb, title]) => ({ state, kb, title }))).toEqual([
        ...stepNames(a.machine).values(),
      ]);
    }
  });

  it("names the states of the recorded hash's definition, else today's of the same machine", async () => {
    const dir = machinesDir(builtIndex(), 0);
    for (const a of definitionRegistry.archived)
      expect(await stateNamesFor({ machineId: a.machineId, machineHash: a.hash }, dir)).toEqual(stepNames(a.machine));
    expect(await stateNamesFor({ machineId: 'online-backup', machineHash: 'not-a-known-hash' }, dir)).toEqual(
      stepNames(definitionRegistry.current['online-backup']!),
    );
    expect((await stateNamesFor({ machineId: 'no-such-machine', machineHash: 'h' }, dir)).size).toBe(0);
  });

  it('reads the index, and not one older than the compiled machines (those names come from the machines)', async () => {
    const marked = builtIndex();
    for (const d of marked.definitions) d.states = d.states.map(([s, kb]) => [s, kb, 'from the index']);
    const archived = definitionRegistry.archived[0]!;
    const run = { machineId: archived.machineId, machineHash: archived.hash };
    const fresh = await stateNamesFor(run, machinesDir(marked, 0));
    expect([...fresh.values()].every((n) => n.title === 'from the index')).toBe(true);
    expect(await stateNamesFor(run, machinesDir(marked, 60))).toEqual(stepNames(archived.machine));
  });
});
