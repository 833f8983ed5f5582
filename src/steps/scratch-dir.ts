// A temporary directory for a utility's output file: `prostrct list <db> <file>` writes the
// structure it lists to a path, which must lie outside the database directory. A SIGKILLed
// oeflow runs no `finally`, so the directory is named after the process that made it, and every
// later call removes the directories of processes that are gone (nightly runs would otherwise
// collect one per kill in the temp directory). The sweep is the caller's to run, outside any
// quiet point (a temp directory may hold thousands of entries): listDatabaseFiles runs it.
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pidAlive } from '../openedge/liveness.js';

const PREFIX = 'oeflow-st-';
/** A directory younger than this is left alone even when its pid looks dead (another pid namespace sharing the temp dir). */
const LEFT_BEHIND_AFTER_MS = 60 * 60 * 1000;

/** Makes a fresh directory, hands it to `use`, and removes it afterwards. */
export async function withScratchDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), `${PREFIX}${process.pid}-`));
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
    const pid = /^oeflow-st-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || pidAlive(Number(pid))) continue;
    const dir = path.join(root, name);
    try {
      if (now - statSync(dir).mtimeMs < LEFT_BEHIND_AFTER_MS) continue;
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone already, or not ours to remove: the next call tries again
    }
  }
  return removed;
}
