// The `.lk` file (docs/openedge.md §2): int32 mode (1 single-user, 2 multi-user, 5 crash recovery), int32 pid, then
// the hostname NUL-padded to 38 bytes, native byte order as dbmon.sh reads it.
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { endianness, hostname } from 'node:os';
import { pidAlive } from './file-lock.js';

export const LK_SINGLE = 1;
export const LK_MULTI = 2;
/** A broker opening the database runs crash recovery under this mode, then rewrites the file as multi-user. */
export const LK_CRASH_RECOVERY = 5;
const SIZE = 38;
const LE = endianness() === 'LE';

export interface LkInfo {
  mode: number;
  pid: number;
  host: string;
}

/** What a `.lk` too short to hold mode and pid reads as: of no host, so it cannot be proven stale. */
const UNREADABLE: LkInfo = { mode: 0, pid: 0, host: '' };

/**
 * Read `.lk`; null when absent. A file too short to be one (a process killed between creating
 * and writing it) still exists, and existence is what protects the database (docs/openedge.md
 * §2.7, §2.9): it reads as held, of an unknown host.
 */
export function readLk(path: string): LkInfo | null {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return null;
  }
  if (buf.length < 8) return UNREADABLE;
  const hostBytes = buf.subarray(8);
  const end = hostBytes.indexOf(0);
  return {
    mode: LE ? buf.readInt32LE(0) : buf.readInt32BE(0),
    pid: LE ? buf.readInt32LE(4) : buf.readInt32BE(4),
    host: hostBytes.subarray(0, end === -1 ? hostBytes.length : end).toString('utf8'),
  };
}

function lkBytes(mode: number, pid: number): Buffer {
  const buf = Buffer.alloc(SIZE);
  if (LE) {
    buf.writeInt32LE(mode, 0);
    buf.writeInt32LE(pid, 4);
  } else {
    buf.writeInt32BE(mode, 0);
    buf.writeInt32BE(pid, 4);
  }
  buf.write(hostname().slice(0, SIZE - 9), 8, 'utf8');
  return buf;
}

/** Replace our own `.lk` with one of another mode, atomically (crash recovery done: multi-user). */
export function rewriteLk(path: string, mode: number, pid: number = process.pid): void {
  const tmp = `${path}.tmp-${pid}`;
  writeFileSync(tmp, lkBytes(mode, pid), { mode: 0o444 });
  renameSync(tmp, path);
}

/** Create `.lk` exclusively; false when one already exists. */
export function createLk(path: string, mode: number, pid: number = process.pid): boolean {
  const buf = lkBytes(mode, pid);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o444);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  writeSync(fd, buf);
  closeSync(fd);
  return true;
}

/** A `.lk` protects the db unless it is on this host and its pid is dead (Kbase 15784). */
export function lkValid(info: LkInfo): boolean {
  if (info.host !== hostname()) return true;
  return pidAlive(info.pid);
}

/** Remove `.lk` if present. */
export function removeLk(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
