// Restores against AI files as real sites get them: cut short by a failed transfer,
// damaged, duplicated, given out of order (issue 11). The chain proof names a truncated or
// damaged file with its sequence before anything is restored; a file cut short after the
// proof halts the roll forward with 9333 (OEF-216) and `resume --retry` continues on it.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArchiverName } from '../../src/aichain/archiver-name.js';
import { storeView } from '../helpers/crash.js';
import { invocations, oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { backupWithArchive, simDigest } from '../helpers/restore.js';
import { usePreparedSim } from '../helpers/prepared-sim.js';
import type { Sim } from '../helpers/sim.js';

useInProcessCli();

// A backup, load after it (two AI files at least) and the archive, made once: each test restores its own copy.
const backedUp = usePreparedSim({ serve: true, aiExtents: 6 }, (sim) =>
  backupWithArchive(sim, join(sim.dir, 'state.db'), 600),
);

/** The archive's files in sequence order. */
function archived(dir: string): { path: string; seq: number }[] {
  return readdirSync(dir)
    .map((n) => ({ path: join(dir, n), seq: parseArchiverName(n)?.aiSeq ?? -1 }))
    .filter((f) => f.seq >= 0)
    .sort((a, b) => a.seq - b.seq);
}

/** The AI sequence the backup was paired with, from the catalog (`oeflow backups`). */
async function pairedSeq(env: Record<string, string>, backupId: string): Promise<number> {
  const r = await oeflow(['backups'], env);
  const b = (r.json.backups as { backupId: string; pairedAiSeq: number }[]).find((x) => x.backupId === backupId);
  if (b === undefined) throw new Error(`backup ${backupId} not in the catalog: ${r.stdout}`);
  return b.pairedAiSeq;
}

/** A copy of the archive directory under `name`, for one variant. */
function archiveCopy(sim: Sim, archive: string, name: string): string {
  const to = join(sim.dir, name);
  mkdirSync(to);
  for (const f of readdirSync(archive)) copyFileSync(join(archive, f), join(to, f));
  return to;
}

interface Problem {
  kind: string;
  seqnos?: number[];
  paths?: string[];
}

describe('oeflow restore with defective AI files', () => {
  it('refuses truncated and damaged files by sequence (OEF-320, nothing restored), and names duplicates; out-of-order names are ordered', async () => {
    const { sim, backupId, archive, digest } = backedUp();
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const paired = await pairedSeq(env, backupId);
    const files = archived(archive).filter((f) => f.seq >= paired);
    expect(files.length).toBeGreaterThanOrEqual(2);
    const victim = files[1];
    if (victim === undefined) throw new Error('no second archived file');
    const name = victim.path.slice(archive.length + 1);

    // cut short: half the file, as an interrupted transfer leaves it
    const cut = archiveCopy(sim, archive, 'arch-cut');
    truncateSync(join(cut, name), Math.floor(statSync(victim.path).size / 2));
    // damaged: 200 bytes of garbage in the middle, size unchanged
    const bad = archiveCopy(sim, archive, 'arch-bad');
    const bytes = readFileSync(victim.path);
    for (let i = 0; i < 200; i++) bytes[Math.floor(bytes.length / 2) + i] = (i * 37 + 11) % 256;
    writeFileSync(join(bad, name), bytes);
    // duplicated: the same sequence under a second name
    const dup = archiveCopy(sim, archive, 'arch-dup');
    copyFileSync(victim.path, join(dup, `copy-of-${name}`));

    for (const [dir, kind] of [
      [cut, 'truncated'],
      [bad, 'damaged'],
      [dup, 'duplicate'],
    ] as const) {
      const before = sim.hashDir(dir);
      const into = join(sim.dir, `restored-${kind}`);
      const r = await oeflow(['restore', backupId, '--into', into, '--ai', dir], env);
      expect(r.exitCode, r.stdout + r.stderr).toBe(8);
      const error = r.json.error as { code: string; message: string; details: { problems: Problem[] } };
      expect(error.code).toBe('OEF-320');
      expect(error.details.problems.map((p) => ({ kind: p.kind, seqnos: p.seqnos }))).toEqual([
        { kind, seqnos: [victim.seq] },
      ]);
      if (kind !== 'duplicate') expect(error.message).toContain(`(sequence ${victim.seq})`);
      expect(existsSync(into) ? readdirSync(into) : []).toEqual([]);
      expect(sim.hashDir(dir)).toBe(before);
    }
    expect(invocations(sim.dlc, 'roll', 'forward')).toEqual([]);

    // out of order on the command line: the proof orders them by sequence
    const reversed = [...files].reverse().flatMap((f) => ['--ai', f.path]);
    const ok = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), ...reversed], env);
    expect(ok.json.status, ok.stdout + ok.stderr).toBe('completed');
    expect(await simDigest(sim, String(ok.json.targetDb))).toBe(digest);
  }, 240_000);

  it('halts with 9333 (OEF-216) on a file cut short after the proof; resume --retry with the complete file at the same path continues on it', async () => {
    const { sim, backupId, archive, digest } = backedUp();
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const paired = await pairedSeq(env, backupId);
    const files = archived(archive).filter((f) => f.seq >= paired);
    const second = files[1];
    if (second === undefined) throw new Error('no second archived file');
    const targetDb = join(sim.dir, 'restored', sim.name);
    // oeflow dies right after the first file; meanwhile the second file is cut short
    const crashed = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored'), '--ai', archive], {
      ...env,
      OEFLOW_CRASH_AT: 'after-command:rollForward#0',
    });
    expect(crashed.exitCode).toBe(-1);
    const complete = readFileSync(second.path);
    truncateSync(second.path, Math.floor(complete.length / 2));

    const halted = await oeflow(['resume', '--db', targetDb], env);
    expect(halted.json.status, halted.stdout + halted.stderr).toBe('failed');
    const error = halted.json.error as { code: string; message: string; hint: string };
    expect(error.code).toBe('OEF-216');
    expect(error.message).toContain('9333');
    expect(error.hint).toContain(`at the same path (${second.path})`);
    expect(error.hint).toContain(`oeflow resume ${String(halted.json.runId)} --retry`);
    expect(storeView(state).state).toBe('rollForwardHalted');

    // the operator puts the complete file back at the same path
    writeFileSync(second.path, complete);
    const done = await oeflow(['resume', '--db', targetDb, '--retry'], env);
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    const retried = invocations(sim.dlc, 'roll', 'forward').filter((i) => i.argv.includes('retry'));
    expect(retried.map((i) => ({ file: i.argv.at(-1), rc: i.exitCode }))).toEqual([{ file: second.path, rc: 0 }]);
    expect(await simDigest(sim, targetDb)).toBe(digest);
  }, 180_000);
});
