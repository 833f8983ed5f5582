// --snapshot-cmd: run the operator's own command (split mirror, LVM, ZFS, SAN snapshot) with
// the file list and database facts in its environment; if it leaves a copy in the destination,
// verify that copy against the (quiesced) sources and write a manifest for it.
import { copyFile, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OeflowError } from '../errors.js';
import { makeScratchDir } from '../scratch-dir.js';
import { checkDestinationOutsideDb } from './copier.js';
import { buildManifest, JOURNAL_FILE, MANIFEST_FILE, relPathFor, writeManifest } from './manifest.js';
import { hashFile, throwIfAborted } from './stream.js';
import type { CopyReport, CopySource, ManifestEntry, VerifyProblem } from './types.js';

export interface SnapshotOptions {
  /** The operator's command line, run through the shell as given (it is their own command). */
  command: string;
  sources: CopySource[];
  /** Database path as the utilities take it (without `.db`). */
  db: string;
  /** Database facts, exported as `OEFLOW_FACT_<NAME>` (name upper-cased, non-alphanumerics as `_`). */
  facts: Record<string, string>;
  destination: string;
  /** Database directory; defaults to the directory of `db`. */
  dbDir?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * The current structure file (from prostrct list) to put in the copy in place of the on-disk
   * .st the command copied, which OpenEdge does not keep current; the manifest records it.
   */
  structure?: { path: string; relPath: string };
  /** More environment for the command (the run's process marker), under the snapshot's own names. */
  env?: Record<string, string>;
  /** Told the command's pid as it starts (it leads its own process group); the returned function is called once it has ended. */
  onStart?: (pid: number, argv: readonly string[]) => () => void;
}

export interface SnapshotResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The destination, when the command left files there (then verified and given a manifest). */
  copyDir?: string;
  report?: CopyReport;
}

/** Environment name of a fact: `aiSequence` -> `OEFLOW_FACT_AISEQUENCE`, `ai-seq` -> `OEFLOW_FACT_AI_SEQ`. */
export function factEnvName(name: string): string {
  return `OEFLOW_FACT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The environment the snapshot command sees (besides the inherited one). */
export function snapshotEnv(o: SnapshotOptions, dbDir: string, fileList: string): Record<string, string> {
  const env: Record<string, string> = {
    OEFLOW_DB: o.db,
    OEFLOW_DB_DIR: dbDir,
    OEFLOW_FILES: o.sources.map((s) => s.path).join('\n'),
    OEFLOW_FILE_LIST: fileList,
    OEFLOW_DEST: o.destination,
  };
  for (const [k, v] of Object.entries(o.facts)) env[factEnvName(k)] = v;
  return env;
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // The group has already exited.
  }
}

async function listCopy(destination: string): Promise<string[]> {
  try {
    return (await readdir(destination)).filter((n) => n !== MANIFEST_FILE && n !== JOURNAL_FILE);
  } catch {
    return [];
  }
}

async function findCopied(destination: string, relPath: string, source: string): Promise<string | undefined> {
  for (const rel of [relPath, basename(source)]) {
    try {
      if ((await stat(join(destination, ...rel.split('/')))).isFile()) return rel;
    } catch {
      // Not at this place; try the next layout.
    }
  }
  return undefined;
}

/** Hash the copy the command left and the sources (quiesced now); throws OEF-300 naming every mismatch. */
async function verifySnapshotCopy(o: SnapshotOptions, realDb: string, started: number): Promise<CopyReport> {
  const entries: ManifestEntry[] = [];
  const problems: VerifyProblem[] = [];
  let bytes = 0;
  for (const [i, s] of o.sources.entries()) {
    throwIfAborted(o.signal);
    const wanted = relPathFor(await realpath(s.path), i, realDb);
    const rel = await findCopied(o.destination, wanted, s.path);
    const st = await stat(s.path);
    if (rel === undefined) {
      problems.push({ relPath: wanted, kind: 'missing', expected: st.size });
      continue;
    }
    const [src, copy] = [
      await hashFile(s.path, { signal: o.signal }),
      await hashFile(join(o.destination, ...rel.split('/')), { signal: o.signal }),
    ];
    bytes += copy.size;
    if (copy.size !== src.size) problems.push({ relPath: rel, kind: 'size', expected: src.size, actual: copy.size });
    else if (copy.sha256 !== src.sha256)
      problems.push({ relPath: rel, kind: 'hash', expected: src.sha256, actual: copy.sha256 });
    entries.push({
      source: s.path,
      relPath: rel,
      role: s.role,
      size: st.size,
      mtimeMs: st.mtimeMs,
      sha256: src.sha256,
    });
  }
  if (problems.length > 0) {
    throw new OeflowError(
      'OEF-300',
      `The snapshot copy in ${o.destination} does not match the sources: ${problems.map((p) => `${p.relPath} (${p.kind})`).join(', ')}.`,
      { details: { destination: o.destination, problems } },
    );
  }
  if (o.structure !== undefined) {
    const target = join(o.destination, ...o.structure.relPath.split('/'));
    await copyFile(o.structure.path, target);
    const [h, st] = [await hashFile(target, { signal: o.signal }), await stat(o.structure.path)];
    const entry: ManifestEntry = {
      source: o.structure.path,
      relPath: o.structure.relPath,
      role: 'structure',
      size: h.size,
      mtimeMs: st.mtimeMs,
      sha256: h.sha256,
    };
    const at = entries.findIndex((e) => e.role === 'structure');
    if (at >= 0) entries[at] = entry;
    else entries.push(entry);
  }
  const manifest = buildManifest(realDb, entries);
  const manifestPath = await writeManifest(o.destination, manifest);
  return {
    manifest,
    manifestPath,
    bytesCopied: 0,
    bytesReverified: bytes,
    filesCopied: 0,
    filesSkipped: entries.length,
    durationMs: performance.now() - started,
    restarted: false,
  };
}

/**
 * Run the operator's snapshot command. Exit != 0 -> OEF-304 (with stderr). If the command left
 * files in `destination`, they are verified against the sources and get a manifest (OEF-300 on mismatch).
 * @example
 * await runSnapshotCommand({ command: 'lvcreate -s … && mount …', sources, db: '/db/sports', facts: { aiSequence: '7' }, destination: '/snap/sports' });
 */
export async function runSnapshotCommand(o: SnapshotOptions): Promise<SnapshotResult> {
  const started = performance.now();
  throwIfAborted(o.signal);
  const dbDir = o.dbDir ?? dirname(o.db);
  const { realDb } = await checkDestinationOutsideDb(o.destination, dbDir);
  const tmp = await makeScratchDir('snapshot');
  try {
    const fileList = join(tmp, 'files.txt');
    await writeFile(fileList, `${o.sources.map((s) => s.path).join('\n')}\n`);
    // The command runs in its own process group so an abort or a timeout stops everything it
    // started (a shell's children would otherwise keep its output pipes open).
    // execa is loaded only by the runs that have a snapshot command (it costs ~0.2 s to load)
    const { execa } = await import('execa');
    // an abort while execa loaded (or the list was written) would find no listener yet: never start the command then
    throwIfAborted(o.signal);
    const sub = execa(o.command, {
      shell: true,
      env: { ...o.env, ...snapshotEnv(o, dbDir, fileList) },
      reject: false,
      stdin: 'ignore',
      detached: true,
    });
    let timedOut = false;
    const stop = (): void => {
      if (sub.pid === undefined) return;
      killGroup(sub.pid, 'SIGTERM');
      setTimeout(() => killGroup(sub.pid!, 'SIGKILL'), 5000).unref();
    };
    o.signal?.addEventListener('abort', stop, { once: true });
    const timer =
      o.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, o.timeoutMs);
    const ended = sub.pid === undefined ? undefined : o.onStart?.(sub.pid, [sub.spawnfile, ...sub.spawnargs.slice(1)]);
    let r;
    try {
      r = await sub;
    } finally {
      o.signal?.removeEventListener('abort', stop);
      if (timer !== undefined) clearTimeout(timer);
    }
    ended?.();
    throwIfAborted(o.signal);
    const exitCode = r.exitCode ?? -1;
    if (exitCode !== 0) {
      const why = timedOut
        ? 'timed out'
        : r.signal !== undefined
          ? `was killed by ${r.signal}`
          : `exited with ${exitCode}`;
      throw new OeflowError(
        'OEF-304',
        `The snapshot command ${why}: ${r.stderr.trim().split('\n').slice(-5).join(' / ') || '(no stderr)'}`,
        { details: { command: o.command, exitCode, signal: r.signal, stdout: r.stdout, stderr: r.stderr } },
      );
    }
    if ((await listCopy(o.destination)).length === 0) return { exitCode, stdout: r.stdout, stderr: r.stderr };
    const report = await verifySnapshotCopy(o, realDb, started);
    return { exitCode, stdout: r.stdout, stderr: r.stderr, copyDir: o.destination, report };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
