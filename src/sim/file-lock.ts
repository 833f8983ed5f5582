// The inter-process lock that serialises every change of the master block and of the
// AI extents (broker transactions, switches, archiving, utilities): `<db>.simlock`
// created with O_EXCL and holding the owner's pid. A lock whose pid is dead is stale.
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';

const RETRY_MS = 5;

// The same rule as src/openedge/liveness.ts pidAlive, kept apart on purpose: the simulator
// stands in for OpenEdge, and is the oracle the engine is tested against, so it imports nothing
// of the engine's side (only src/errors.ts, for the `oeflow sim` commands). Shared, a liveness
// mistake there would be mirrored here and no test would see it.
// A zombie (exited, not yet reaped by init) is dead for our purposes; Linux only.
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** True when a live process with this pid exists (EPERM still means it exists). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function readOwner(path: string): number | null {
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10);
  } catch {
    return null;
  }
}

// Move a stale lock aside before deleting it, and only if it still names the dead
// owner we saw, so two processes breaking the same stale lock cannot delete a live one.
function breakStale(path: string, deadPid: number): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  if (readOwner(aside) === deadPid) unlinkSync(aside);
  else renameSync(aside, path);
}

/** One attempt to take the lock; true when this process now holds it. */
export function tryLock(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = readOwner(path);
  if (owner !== null && !Number.isNaN(owner) && owner !== process.pid && !pidAlive(owner)) breakStale(path, owner);
  return false;
}

function timeoutError(path: string): Error {
  return new Error(`timed out waiting for ${path} (held by pid ${String(readOwner(path))})`);
}

/** Block (busy-wait with short sleeps) until the lock is held; for short-lived utilities. */
export function lockSync(path: string, timeoutMs = 15_000): void {
  const deadline = Date.now() + timeoutMs;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!tryLock(path)) {
    if (Date.now() > deadline) throw timeoutError(path);
    Atomics.wait(cell, 0, 0, RETRY_MS);
  }
}

/** Wait without blocking the event loop until the lock is held; for the broker. */
export async function lock(path: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!tryLock(path)) {
    if (Date.now() > deadline) throw timeoutError(path);
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

/** Release a lock this process holds (never someone else's). */
export function unlock(path: string): void {
  if (readOwner(path) === process.pid) unlinkSync(path);
}
