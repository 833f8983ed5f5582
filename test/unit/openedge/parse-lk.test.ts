import { describe, expect, it } from 'vitest';
import { LkMode, parseLk } from '../../../src/openedge/parse-lk.js';

function lk(mode: number, pid: number, host: string, size = 38): Buffer {
  const b = Buffer.alloc(size);
  b.writeInt32LE(mode, 0);
  b.writeInt32LE(pid, 4);
  b.write(host, 8, 'latin1');
  return b;
}

describe('parseLk', () => {
  it('reads mode, pid and NUL-terminated host when given a 38-byte multi-user lock', () => {
    expect(parseLk(lk(LkMode.multiUser, 4242, 'dbhost01'))).toEqual({ mode: 2, pid: 4242, host: 'dbhost01' });
  });

  it('reads the host up to the end when no NUL follows it', () => {
    expect(parseLk(lk(1, 7, 'abc', 11))).toEqual({ mode: 1, pid: 7, host: 'abc' });
  });

  it('throws OEF-013 when the file is shorter than mode and pid', () => {
    expect(() => parseLk(Buffer.from([1, 0, 0]))).toThrow(/at least 8/);
  });
});
