import { describe, expect, it } from 'vitest';
import { formatBytes, terminalProgress } from '../../../src/copy/index.js';
import { ProgressThrottle } from '../../../src/copy/progress.js';
import type { CopyProgress } from '../../../src/copy/index.js';

const p: CopyProgress = {
  file: '/db/s.d1',
  fileBytes: 512,
  fileSize: 1024,
  bytesDone: 1536,
  bytesTotal: 3072,
  filesDone: 0,
  filesTotal: 2,
};

describe('formatBytes', () => {
  it('uses binary units with one decimal when the value passes 1024', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 ** 2, 1.25 * 1024 ** 3, 3 * 1024 ** 4].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.0 KiB',
      '1.5 KiB',
      '5.0 MiB',
      '1.3 GiB',
      '3.0 TiB',
    ]);
  });
});

describe('ProgressThrottle', () => {
  it('drops reports closer than the interval except forced ones when called in a burst', () => {
    const got: number[] = [];
    const t = new ProgressThrottle((x) => got.push(x.bytesDone), 10_000);
    for (let i = 0; i < 5; i++) t.emit({ ...p, bytesDone: i });
    t.emit({ ...p, bytesDone: 99 }, true);
    expect(got).toEqual([0, 99]);
  });
});

describe('terminalProgress', () => {
  it('writes one newline-terminated line per report when the stream is not a TTY', () => {
    const out: string[] = [];
    const fn = terminalProgress({ write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream, 'copy');
    fn(p);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^copy: 1\.5 KiB \/ 3\.0 KiB \(50\.0%\) .*\/s {2}file 0\/2 \/db\/s\.d1\n$/);
  });
});
