// oeflow's scratch directories (src/scratch-dir.ts): removed after use, and those a killed oeflow
// left behind removed by a later sweep, never a live process's or a recent one, nor anything else.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeLeftBehind, withScratchDir } from '../../src/scratch-dir.js';
import { tempDir } from '../helpers/oeflow.js';

let savedTmpdir: string | undefined;
let root: string;
beforeEach(() => {
  root = tempDir('oeflow-scratch-');
  savedTmpdir = process.env['TMPDIR'];
  process.env['TMPDIR'] = root; // os.tmpdir() reads it at each call
});
afterEach(() => {
  if (savedTmpdir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmpdir;
});

/** A pid that belonged to a process which has ended (a child started and waited for). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid;
}

/** A directory as a killed run leaves it, `ageMs` old. */
function leftBehind(pid: number, ageMs: number, kind = 'st'): string {
  const dir = join(root, `oeflow-${kind}-${pid}-abc123`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'sports.listed.st'), 'd "Schema Area":6,32;1 .\n');
  const at = (Date.now() - ageMs) / 1000;
  utimesSync(dir, at, at);
  return dir;
}

const HOUR = 60 * 60 * 1000;

describe('scratch directories', () => {
  it('are named after this process and removed after use, also when the use throws', async () => {
    let seen = '';
    await withScratchDir('st', async (dir) => {
      seen = dir;
      expect(dir.startsWith(join(root, `oeflow-st-${process.pid}-`))).toBe(true);
      writeFileSync(join(dir, 'x.st'), '');
    });
    expect(existsSync(seen)).toBe(false);
    await expect(
      withScratchDir('st', async (dir) => {
        seen = dir;
        throw new Error('prostrct list failed');
      }),
    ).rejects.toThrow('prostrct list failed');
    expect(existsSync(seen)).toBe(false);
  });

  it('removes what a process that is gone left an hour ago, and nothing else', async () => {
    const gone = leftBehind(deadPid(), 2 * HOUR);
    const goneAi = leftBehind(deadPid(), 2 * HOUR, 'ai');
    const recent = leftBehind(deadPid(), 60_000); // maybe another pid namespace's, still at work
    const live = leftBehind(process.pid, 2 * HOUR);
    const other = join(root, 'oeflow-prepared-x');
    mkdirSync(other);
    const notOurs = leftBehind(deadPid(), 2 * HOUR, 'prepared');
    expect((await removeLeftBehind()).sort()).toEqual([gone, goneAi].sort());
    expect(readdirSync(root).sort()).toEqual(
      [recent, live, other, notOurs].map((d) => d.slice(root.length + 1)).sort(),
    );
  });
});
