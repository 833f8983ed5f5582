// Every shipped machine definition stays resolvable by its hash (machines/versions): today's
// definitions are listed with the version that ships them, archived ones still hash to
// their key. Editing a machine without archiving the old one fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentHash, definitionFor, definitionRegistry, machineHash, machines } from '../../../machines/index.js';
import { archivedDefinitions } from '../../../machines/versions/archive.js';
import { shippedDefinitions } from '../../../machines/versions/shipped.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('shipped machine definitions', () => {
  it("lists today's definition of every machine, shipped in this package version", () => {
    for (const [id, machine] of Object.entries(machines)) {
      const entry = shippedDefinitions.find((s) => s.machineId === id && s.hash === machineHash(machine));
      expect(
        entry,
        `${id} ${machineHash(machine)} is not in machines/versions/shipped.ts: archive the previous definition and list this one`,
      ).toBeDefined();
      expect(entry!.oeflowVersions).toContain(pkg.version);
    }
  });

  it('resolves every definition ever shipped by its hash', () => {
    for (const s of shippedDefinitions) {
      const found = definitionFor(definitionRegistry, s.machineId, s.hash);
      expect(
        found,
        `${s.machineId} ${s.hash} (oeflow ${s.oeflowVersions.join(', ')}) is neither current nor archived`,
      ).toBeDefined();
      expect(machineHash(found!.machine)).toBe(s.hash);
    }
  });

  it('keeps each archived definition hashing to the key runs recorded', () => {
    for (const a of archivedDefinitions) {
      expect(machineHash(a.machine), `${a.machineId} ${a.hash}`).toBe(a.hash);
      expect(currentHash(definitionRegistry, a.machineId)).not.toBe(a.hash);
    }
  });

  it('finds no definition for a hash nothing shipped', () => {
    expect(definitionFor(definitionRegistry, 'offline-backup', 'f'.repeat(64))).toBeUndefined();
  });
});
