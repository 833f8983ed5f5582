// Archived AI files compressed by the site (issue 11): restore --plan and the restore accept
// .gz (zlib), .bz2 (bzip2 -dc), .Z (gzip -dc; made with ncompress's `compress`, where installed)
// and .zst (zstd -dc, where installed; .ci/run installs both),
// decompress them into the restore's scratch space, hash both files and journal both names;
// a corrupt archive or a missing tool is a coded error naming it, and nothing is restored.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { backupWithArchive, simDigest } from '../helpers/restore.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const onPath = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`]);
    return true;
  } catch {
    return false;
  }
};

/** Compress the archive's files in turn with each format (the originals are removed). */
function compressArchive(archive: string, formats: readonly ('gz' | 'Z' | 'bz2' | 'zst')[]): Map<string, string> {
  const made = new Map<string, string>(); // compressed path → sha256 of the plain file
  for (const [i, name] of readdirSync(archive).sort().entries()) {
    const plain = join(archive, name);
    const format = formats[i % formats.length]!;
    made.set(`${plain}.${format}`, sha256(plain));
    if (format === 'gz') writeFileSync(`${plain}.gz`, gzipSync(readFileSync(plain)));
    else if (format === 'Z') execFileSync('compress', ['-f', plain]);
    else execFileSync(format === 'bz2' ? 'bzip2' : 'zstd', format === 'bz2' ? ['-z', plain] : ['-q', '--rm', plain]);
    rmSync(plain, { force: true });
  }
  return made;
}

describe('restore from compressed AI archives', () => {
  it('decompresses .gz, .bz2 (and .Z, .zst) into the scratch space, hashes and journals both names; corrupt or undecompressable archives restore nothing', async () => {
    // .Z after .bz2: the missing-tool case below (no gzip or bzip2 on PATH) meets bzip2 first
    const formats = [
      'gz',
      'bz2',
      ...(onPath('compress') ? ['Z' as const] : []),
      ...(onPath('zstd') ? ['zst' as const] : []),
    ] as const;
    const sim = newSim({ serve: true, aiExtents: 6 });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const { backupId, archive, digest } = await backupWithArchive(sim, state, 900);
    const compressed = compressArchive(archive, formats);
    expect(compressed.size).toBeGreaterThanOrEqual(3);
    expect([...compressed.keys()].map((f) => f.slice(f.lastIndexOf('.') + 1))).toEqual(
      expect.arrayContaining([...formats]),
    );
    const before = sim.hashDir(archive);

    const into = join(sim.dir, 'restored');
    const plan = await oeflow(['restore', backupId, '--into', into, '--ai', archive, '--plan'], env);
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(plan.json.ready).toBe(true);
    expect(existsSync(into)).toBe(false); // the plan decompressed into a temporary directory
    const planned = plan.json.decompressed as {
      compressed: string;
      compressedSha256: string;
      sha256: string;
      format: string;
    }[];
    expect(new Set(planned.map((d) => d.compressed))).toEqual(new Set(compressed.keys()));
    for (const d of planned) {
      expect(d.compressedSha256).toBe(sha256(d.compressed));
      expect(d.sha256).toBe(compressed.get(d.compressed));
    }

    const run = await oeflow(['restore', backupId, '--into', into, '--ai', archive], env);
    expect(run.json.status, run.stdout + run.stderr).toBe('completed');
    expect(await simDigest(sim, join(into, sim.name))).toBe(digest);
    expect(sim.hashDir(archive)).toBe(before); // the site's archives are read, never changed
    // rolled forward from the decompressed copies in the scratch space, each journaled with both names and hashes
    const files = run.json.aiFiles as string[];
    expect(files.every((f) => f.startsWith(join(into, '.oeflow-ai')))).toBe(true);
    const store = openStore(state);
    try {
      const notes = store
        .journal(String(run.json.runId))
        .filter((r) => r.kind === 'note')
        .map((r) => (r.data as { decompressedAi?: unknown[] }).decompressedAi)
        .filter(Boolean);
      expect(notes).toHaveLength(1);
      const journaled = notes[0] as { compressed: string; compressedSha256: string; file: string; sha256: string }[];
      expect(journaled.map((j) => j.file).filter((f) => files.includes(f))).toHaveLength(files.length);
      for (const j of journaled) {
        expect(j.compressedSha256).toBe(sha256(j.compressed));
        expect(j.sha256).toBe(sha256(j.file));
      }
    } finally {
      store.close();
    }
    // the note recorded before the first transition keeps the run provable
    const verified = await oeflow(['verify', String(run.json.runId)], env);
    expect(verified.exitCode, verified.stdout).toBe(0);

    // a corrupt archive: OEF-325 naming it, before anything is restored
    const broken = join(sim.dir, 'broken');
    cpSync(archive, broken, { recursive: true });
    const gz = readdirSync(broken)
      .sort()
      .find((n) => n.endsWith('.gz'))!;
    const bytes = readFileSync(join(broken, gz));
    bytes.fill(0x55, 20, Math.min(bytes.length - 8, 200));
    writeFileSync(join(broken, gz), bytes);
    const into2 = join(sim.dir, 'r2');
    const bad = await oeflow(['restore', backupId, '--into', into2, '--ai', broken], env);
    expect(bad.exitCode).toBe(8);
    expect(bad.json.error).toMatchObject({ code: 'OEF-325', details: { file: join(broken, gz) } });
    expect(existsSync(into2) ? readdirSync(into2) : []).toEqual([]);

    // bzip2 not on PATH: OEF-326 naming the tool, nothing restored
    const bin = join(sim.dir, 'bare-bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const into3 = join(sim.dir, 'r3');
    const noTool = await oeflow(['restore', backupId, '--into', into3, '--ai', archive], {
      ...env,
      PATH: `${sim.dlc}/bin:${bin}`,
    });
    expect(noTool.exitCode).toBe(2);
    expect(noTool.json.error).toMatchObject({ code: 'OEF-326', details: { tool: 'bzip2' } });
    expect(existsSync(into3) ? readdirSync(into3) : []).toEqual([]);
  }, 240_000);
});
