// The clone's transfer (issue 14): hashing with reads ahead gives the same size and sha256 as one
// read at a time, whatever the file's size against the read size; and the transfer copies in
// the kernel where the destination cannot share blocks with the clone (here: the temp dir's
// file system, which does not clone). The reflink case (a real copy with its own blocks) is
// tested on XFS in test/cow/clone-backup.test.ts.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cloneFile, cloneTransfer, hashFile, probeClone } from '../../../src/copy/index.js';
import { BufferPool } from '../../../src/copy/stream.js';
import { bytes } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'oeflow-clone-transfer-'));
  dirs.push(d);
  return d;
};
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('hashFile with reads ahead', () => {
  const chunk = 4096;
  it.each([0, 1, chunk - 1, chunk, 3 * chunk, 3 * chunk + 17, 10 * chunk + 1])(
    'hashes a file of %i bytes as one read at a time does (1 to 5 reads ahead, 4 KiB reads)',
    async (size) => {
      const file = join(tmp(), 'f');
      const content = bytes(size, size + 1);
      writeFileSync(file, content);
      for (const readAhead of [1, 2, 4, 5]) {
        let counted = 0;
        const r = await hashFile(file, {
          pool: new BufferPool(chunk),
          readAhead,
          onBytes: (n) => (counted += n),
        });
        expect(r, `readAhead ${readAhead}`).toEqual({ size, sha256: sha(content) });
        expect(counted).toBe(size);
      }
    },
  );

  it('stops with the abort error when aborted, leaving nothing in flight', async () => {
    const file = join(tmp(), 'f');
    writeFileSync(file, bytes(64 * 1024, 3));
    const ac = new AbortController();
    const r = hashFile(file, {
      pool: new BufferPool(4096),
      readAhead: 4,
      signal: ac.signal,
      onBytes: () => ac.abort(),
    });
    await expect(r).rejects.toMatchObject({ code: 'OEF-052' });
  });
});

describe('cloneTransfer', () => {
  it('copies each file and returns the hash of the source, deciding on the first file whether the destination could share blocks', async () => {
    const dir = tmp();
    const transfer = cloneTransfer();
    expect(transfer.destinationCanShareBlocks).toBeNull();
    for (const [name, size] of [
      ['a.db', 65_536],
      ['a.d1', 9 * 1024 * 1024 + 5],
    ] as const) {
      const content = bytes(size, size);
      writeFileSync(join(dir, name), content);
      const r = await transfer.copyFile(join(dir, name), join(dir, `copy-${name}`), {});
      expect(r).toEqual({ size, sha256: sha(content) });
      expect(sha(readFileSync(join(dir, `copy-${name}`)))).toBe(sha(content));
    }
    // decided by a clone of the first file into the destination: the temp dir's file system
    // usually cannot (ext4, tmpfs); a reflink one is tested on XFS in test/cow
    const canClone = await cloneFile(join(dir, 'a.db'), join(dir, 'probe')).then(
      () => true,
      () => false,
    );
    expect(transfer.destinationCanShareBlocks).toBe(canClone);
  });
});

describe('probeClone', () => {
  it('removes the probe clones of dead processes it finds, and leaves a live process’s alone', async () => {
    const dir = tmp();
    const source = join(dir, 'db.d1');
    writeFileSync(source, bytes(4096, 1));
    const deadPid = spawnSync('true').pid;
    const dead = join(dir, `.clone-probe-${deadPid}-db.d1`);
    const live = join(dir, `.clone-probe-${process.pid}-other.d1`);
    writeFileSync(dead, 'left by a killed run');
    writeFileSync(live, 'another run probing now');
    await probeClone([source], dir); // ok or not: this temp dir's file system may not clone
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('.clone-probe-'))).toEqual([
      `.clone-probe-${process.pid}-other.d1`,
    ]);
  });
});
