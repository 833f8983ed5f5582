import { endianness, hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lkStale } from '../../../src/openedge/liveness.js';
import { LkMode, parseLk, unreadableLk } from '../../../src/openedge/parse-lk.js';

function lk(mode: number, pid: number, host: string, o: { size?: number; order?: 'LE' | 'BE' } = {}): Buffer {
  const b = Buffer.alloc(o.size ?? 38);
  if ((o.order ?? endianness()) === 'LE') {
    b.writeInt32LE(mode, 0);
    b.writeInt32LE(pid, 4);
  } else {
    b.writeInt32BE(mode, 0);
    b.writeInt32BE(pid, 4);
  }
  b.write(host, 8, 'latin1');
  return b;
}

// A pid that is certainly not running: beyond Linux's pid_max (2^22).
const DEAD_PID = 2 ** 30;

describe('parseLk', () => {
  it('reads mode, pid and NUL-terminated host in the native byte order when given a 38-byte multi-user lock', () => {
    expect(parseLk(lk(LkMode.multiUser, 4242, 'dbhost01'))).toEqual({ mode: 2, pid: 4242, host: 'dbhost01' });
  });

  it('reads a big-endian lock as written when the host is big-endian', () => {
    expect(parseLk(lk(LkMode.singleUser, 4242, 'aix01', { order: 'BE' }), 'BE')).toEqual({
      mode: 1,
      pid: 4242,
      host: 'aix01',
    });
    expect(parseLk(lk(LkMode.singleUser, 4242, 'aix01', { order: 'BE' }), 'LE').problem).toMatch(/mode 16777216/);
  });

  it('reads the host up to the end when no NUL follows it', () => {
    expect(parseLk(lk(1, 7, 'abc', { size: 11 }))).toEqual({ mode: 1, pid: 7, host: 'abc' });
  });

  it('marks a mode outside 1, 2, 5 (e.g. 64) as a problem', () => {
    expect(parseLk(lk(64, 7, 'h'))).toMatchObject({
      mode: 64,
      pid: 7,
      problem: expect.stringMatching(/mode 64/) as string,
    });
  });

  it('marks a file shorter than mode and pid as a problem instead of throwing', () => {
    expect(parseLk(Buffer.from([1, 0, 0])).problem).toMatch(/3 bytes/);
  });
});

describe('lkStale', () => {
  it('is stale only for a documented mode naming a dead pid on this host', () => {
    expect(lkStale(parseLk(lk(LkMode.multiUser, DEAD_PID, hostname())))).toBe(true);
    expect(lkStale(parseLk(lk(LkMode.multiUser, process.pid, hostname())))).toBe(false);
  });

  it('is never stale for an undocumented mode, a short file or an unreadable file, even with a dead pid', () => {
    expect(lkStale(parseLk(lk(64, DEAD_PID, hostname())))).toBe(false);
    expect(lkStale(parseLk(lk(0, DEAD_PID, hostname())))).toBe(false);
    expect(lkStale(parseLk(Buffer.from([2, 0, 0, 0])))).toBe(false);
    expect(lkStale(unreadableLk('EACCES'))).toBe(false);
  });

  it('is never stale for mode 5 (crash recovery): a dead pid there means an interrupted recovery, not a free database', () => {
    expect(lkStale(parseLk(lk(LkMode.crashRecovery, DEAD_PID, hostname())))).toBe(false);
  });
});
