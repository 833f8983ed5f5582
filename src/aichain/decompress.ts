// Archived AI files the site compressed (`.gz`, `.Z`, `.bz2`, `.zst`; docs/openedge.md §7):
// rfutil reads only plain AI files, so each is decompressed into the restore's scratch space
// first, and both files are hashed (the compressed one names what the site kept, the
// decompressed one what was rolled forward). `.gz` is Node's zlib; Node 20 has no bzip2, LZW
// (.Z) or zstd decoder and npm has no well-kept pure one, so those go through the system tool
// (`bzip2 -dc`, `gzip -dc`, `zstd -dc`), spawned with an argv array and its output written
// straight to the file (the utility runner reads output as text: no good for binary data).
import { spawn } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { OeflowError } from '../errors.js';
import { contentSha256 } from './scan-cache.js';

export type CompressionFormat = 'gzip' | 'compress' | 'bzip2' | 'zstd';

interface FormatDef {
  ext: string;
  format: CompressionFormat;
  /** The system tool that decompresses it to stdout; absent: Node's zlib does. */
  tool?: { command: string; argv: readonly string[]; debianPackage: string };
}

// Longest extension first is not needed: none is a suffix of another.
const FORMATS: readonly FormatDef[] = [
  { ext: '.gz', format: 'gzip' },
  { ext: '.Z', format: 'compress', tool: { command: 'gzip', argv: ['-dc'], debianPackage: 'gzip' } },
  { ext: '.bz2', format: 'bzip2', tool: { command: 'bzip2', argv: ['-dc'], debianPackage: 'bzip2' } },
  { ext: '.zst', format: 'zstd', tool: { command: 'zstd', argv: ['-dc', '-q'], debianPackage: 'zstd' } },
];

/** The compression of `file` by its name's extension (case matters: `.Z` is compress, `.z` is not), or null. */
export function compressionOf(file: string): { format: CompressionFormat; ext: string } | null {
  const def = FORMATS.find((f) => file.endsWith(f.ext) && file.length > f.ext.length);
  return def ? { format: def.format, ext: def.ext } : null;
}

/** One compressed archive and the plain AI file made from it. */
export interface DecompressedFile {
  /** The site's compressed file, as found. */
  compressed: string;
  compressedSha256: string;
  format: CompressionFormat;
  /** `zlib` or the system tool's argv. */
  decompressedBy: string;
  /** The plain AI file in the scratch space (what rfutil scans and rolls forward). */
  file: string;
  sha256: string;
  bytes: number;
}

/** Passes bytes through, hashing and counting them. */
class HashTap extends Transform {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/**
 * Decompress `compressed` to `to` (which must not exist), hashing both sides. A corrupt file
 * is OEF-325 naming it, a missing tool OEF-326 naming the tool; `to` is removed on any failure.
 */
export async function decompressFile(compressed: string, to: string, signal?: AbortSignal): Promise<DecompressedFile> {
  const kind = compressionOf(compressed);
  const def = FORMATS.find((f) => f.format === kind?.format);
  if (def === undefined) throw new Error(`${compressed} has no compressed-file extension`);
  try {
    const compressedSha256 = await contentSha256(compressed);
    const out = new HashTap();
    if (def.tool === undefined) {
      await pipeline(
        createReadStream(compressed),
        createGunzip(),
        out,
        createWriteStream(to, { flags: 'wx' }),
        ...(signal ? [{ signal }] : []),
      );
    } else {
      await runTool(def, compressed, out, to, signal);
    }
    return {
      compressed,
      compressedSha256,
      format: def.format,
      decompressedBy: def.tool ? [def.tool.command, ...def.tool.argv].join(' ') : 'zlib',
      file: to,
      sha256: out.hash.digest('hex'),
      bytes: out.bytes,
    };
  } catch (err) {
    await rm(to, { force: true });
    if (err instanceof OeflowError || (err as Error).name === 'AbortError') throw err;
    throw corrupt(compressed, def.format, (err as Error).message);
  }
}

/** `<tool> -dc <file>` with stdout through the hash tap into `to`; a non-zero exit is a corrupt file. */
async function runTool(
  def: FormatDef,
  compressed: string,
  tap: HashTap,
  to: string,
  signal?: AbortSignal,
): Promise<void> {
  const tool = def.tool!;
  const child = spawn(tool.command, [...tool.argv, '--', compressed], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(signal ? { signal } : {}),
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  // settles (never rejects: it is awaited only after the output is written) with how the tool ended
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>(
    (resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, sig) => resolve({ code, signal: sig }));
    },
  );
  try {
    await pipeline(child.stdout, tap, createWriteStream(to, { flags: 'wx' }));
  } catch (err) {
    await exited;
    throw err;
  }
  const end = await exited;
  if (end.error !== undefined) {
    const err = end.error;
    if (err.code === 'ENOENT') {
      throw new OeflowError(
        'OEF-326',
        `${compressed} is ${def.format}-compressed and \`${tool.command}\`, which decompresses it, is not on PATH`,
        {
          hint: `Install it (Debian: apt-get install ${tool.debianPackage}) or decompress the file by hand beside the others, then run the command again; nothing was restored.`,
          details: { file: compressed, format: def.format, tool: tool.command },
        },
      );
    }
    throw err;
  }
  if (end.code !== 0)
    throw new Error(
      `${tool.command} ${tool.argv.join(' ')} exited ${end.code ?? end.signal ?? '?'}${stderr.trim() ? `: ${stderr.trim()}` : ''}`,
    );
}

function corrupt(file: string, format: CompressionFormat, why: string): OeflowError {
  return new OeflowError('OEF-325', `the compressed AI file ${file} cannot be decompressed (${format}): ${why}`, {
    details: { file, format, reason: why },
  });
}

/** The journal note that records each archive with both names and both hashes (none: no note). */
export function decompressedNotes(files: readonly DecompressedFile[]): Record<string, unknown>[] {
  return files.length === 0 ? [] : [{ decompressedAi: files.map((f) => ({ ...f })) }];
}
