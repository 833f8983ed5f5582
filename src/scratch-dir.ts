// Temporary directories oeflow makes for one call: the file `prostrct list <db> <file>` writes
// (it must lie outside the database directory), the file list a snapshot command reads, and the
// AI files a plan decompresses to prove the chain (as large as the archives). A SIGKILLed oeflow
// (or one the OOM killer ended) runs no `finally`, so each directory is named after the process
// that made it, and removeLeftBehind removes those of processes that are gone; nightly runs would
// otherwise collect one per kill in the temp directory. The sweep is the caller's to run, outside
// any quiet point or shutdown (a temp directory may hold thousands of entries): every run's
// preflight and a plan's AI-chain proof run it.
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pidAlive } from './openedge/liveness.js';

/** What a scratch directory holds: a listed structure, a snapshot's file list, decompressed AI files. */
export type ScratchKind = 'st' | 'snapshot' | 'ai';

const LEFT_BEHIND = /^oeflow-(?:st|snapshot|ai)-(\d+)-/;
/** A directory younger than this is left alone even when its pid looks dead (another pid namespace sharing the temp dir). */
export const LEFT_BEHIND_AFTER_MS = 60 * 60 * 1000;

/** A fresh directory `oeflow-<kind>-<pid>-<random>` in the temp directory; the caller removes it. */
export function makeScratchDir(kind: ScratchKind): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `oeflow-${kind}-${process.pid}-`));
}

/** Makes a fresh directory, hands it to `use`, and removes it afterwards. */
export async function withScratchDir<T>(kind: ScratchKind, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeScratchDir(kind);
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Removes the scratch directories of processes that are gone (best effort: a sweep never fails the call). */
export async function removeLeftBehind(now = Date.now()): Promise<string[]> {
  const root = tmpdir();
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = LEFT_BEHIND.exec(name)?.[1];
    if (pid === undefined || pidAlive(Number(pid))) continue;
    const dir = path.join(root, name);
    try {
      if (now - statSync(dir).mtimeMs < LEFT_BEHIND_AFTER_MS) continue;
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone already, or not ours to remove: the next sweep tries again
    }
  }
  return removed;
}
