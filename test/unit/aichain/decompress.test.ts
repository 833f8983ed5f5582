// Decompression of site-compressed AI archives: both sides hashed, a corrupt file or a missing
// tool a coded error naming it, and no partial output left behind.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { compressionOf, decompressFile } from '../../../src/aichain/decompress.js';
import { OeflowError } from '../../../src/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'oeflow-dz-'));
  dirs.push(d);
  return d;
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const plain = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

/** Why the .Z cases cannot run here, or null: `compress` comes from Debian's ncompress (.ci/run installs it). */
const noCompress = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v compress']);
    return null;
  } catch {
    return '`compress` is not installed (Debian package ncompress; .ci/run installs it)';
  }
})();

async function codeOf(p: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OeflowError);
  return err as { code: string; details: Record<string, unknown> };
}

describe('compressionOf', () => {
  it('knows .gz, .Z, .bz2 and .zst by extension, case included', () => {
    expect(compressionOf('/a/x.a1.gz')?.format).toBe('gzip');
    expect(compressionOf('/a/x.a1.Z')?.format).toBe('compress');
    expect(compressionOf('/a/x.a1.z')).toBeNull();
    expect(compressionOf('/a/x.a1.bz2')?.format).toBe('bzip2');
    expect(compressionOf('/a/x.a1.zst')?.format).toBe('zstd');
    expect(compressionOf('/a/x.a1')).toBeNull();
  });
});

describe('decompressFile', () => {
  it('decompresses .gz with zlib and hashes both files', async () => {
    const d = tmp();
    const gz = join(d, 'f.a1.gz');
    writeFileSync(gz, gzipSync(plain));
    const r = await decompressFile(gz, join(d, 'f.a1'));
    expect(r).toMatchObject({
      format: 'gzip',
      decompressedBy: 'zlib',
      sha256: sha(plain),
      compressedSha256: sha(readFileSync(gz)),
      bytes: plain.length,
    });
    expect(readFileSync(join(d, 'f.a1')).equals(plain)).toBe(true);
  });

  it('decompresses .bz2 through bzip2 -dc', async () => {
    const d = tmp();
    writeFileSync(join(d, 'f.a2'), plain);
    execFileSync('bzip2', ['-z', join(d, 'f.a2')]);
    const r = await decompressFile(join(d, 'f.a2.bz2'), join(d, 'out'));
    expect(r).toMatchObject({ format: 'bzip2', decompressedBy: 'bzip2 -dc', sha256: sha(plain) });
  });

  (noCompress === null ? it : it.skip)(
    `decompresses .Z (LZW, as compress writes it) through gzip -dc; a damaged one is OEF-325${noCompress === null ? '' : ` (skipped: ${noCompress})`}`,
    async () => {
      const d = tmp();
      writeFileSync(join(d, 'f.a3'), plain);
      execFileSync('compress', ['-f', join(d, 'f.a3')]); // replaces f.a3 with f.a3.Z
      const z = join(d, 'f.a3.Z');
      expect(readFileSync(z).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x9d])); // the LZW magic
      const r = await decompressFile(z, join(d, 'out'));
      expect(r).toMatchObject({
        format: 'compress',
        decompressedBy: 'gzip -dc',
        sha256: sha(plain),
        compressedSha256: sha(readFileSync(z)),
        bytes: plain.length,
      });
      expect(readFileSync(join(d, 'out')).equals(plain)).toBe(true);
      // LZW carries no checksum: a damaged header is what gzip can tell
      const bad = join(d, 'g.a3.Z');
      writeFileSync(bad, Buffer.concat([Buffer.from([0x1f, 0x9d, 0xff]), readFileSync(z).subarray(3)]));
      expect(await codeOf(decompressFile(bad, join(d, 'out2')))).toMatchObject({
        code: 'OEF-325',
        details: { file: bad, format: 'compress' },
      });
      expect(existsSync(join(d, 'out2'))).toBe(false);
    },
  );

  it('names a corrupt archive (OEF-325) and leaves no partial file', async () => {
    const d = tmp();
    const gz = join(d, 'f.a1.gz');
    const bytes = gzipSync(plain);
    bytes.fill(0x55, 20, 60);
    writeFileSync(gz, bytes);
    const err = await codeOf(decompressFile(gz, join(d, 'out')));
    expect(err).toMatchObject({ code: 'OEF-325', details: { file: gz, format: 'gzip' } });
    expect(existsSync(join(d, 'out'))).toBe(false);
    const bz = join(d, 'g.a1.bz2');
    writeFileSync(bz, Buffer.from('BZh9 this is not bzip2 data'));
    expect(await codeOf(decompressFile(bz, join(d, 'out2')))).toMatchObject({ code: 'OEF-325', details: { file: bz } });
    expect(existsSync(join(d, 'out2'))).toBe(false);
  });

  it('names the missing tool (OEF-326)', async () => {
    const d = tmp();
    const zst = join(d, 'f.a1.zst');
    writeFileSync(zst, Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    const path = process.env.PATH;
    process.env.PATH = d; // no zstd here
    try {
      expect(await codeOf(decompressFile(zst, join(d, 'out')))).toMatchObject({
        code: 'OEF-326',
        details: { tool: 'zstd', file: zst },
      });
    } finally {
      process.env.PATH = path;
    }
    expect(existsSync(join(d, 'out'))).toBe(false);
  });
});
