// The single place that spawns an OpenEdge utility (argv array, never a shell).
// A non-zero exit is a result, not an exception; only a failure to start throws.
// node:child_process directly, not execa: loading execa cost ~0.2 s per command and its
// per-call setup several ms per utility run (docs: bench/README.md, cli-start and roll-forward).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OeflowError } from '../errors.js';
import { parseMessages } from './messages.js';
import type { ToolResult } from './types.js';

/** The executables under `$DLC/bin` that oeflow runs. */
export type Utility = 'proshut' | 'proserve' | 'proutil' | 'rfutil' | 'proquiet' | 'prostrct';

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  /** Written to the utility's standard input, which is then closed (a passphrase: never in argv). */
  input?: string;
  /** Called once the process exists, before it ends (the engine journals state-changing spawns). */
  onSpawn?: (pid: number) => void;
}

/** After a cancel or timeout sent SIGTERM, SIGKILL follows if the utility still runs (as execa's default). */
const FORCE_KILL_AFTER_MS = 5_000;

/**
 * Everything written to `fd` from its start, without the final newline. The buffer is the file's
 * size as fstat says now, plus one byte: one read and one that says end of file for the usual
 * output (a file that grows meanwhile takes more reads, and is still read whole). A buffer of a
 * fixed 64 KiB per stream was a fresh allocation per call, written again after every fork.
 */
function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(fstatSync(fd).size + 1);
  for (let pos = 0; ;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    pos += n;
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const SPAWN_ERRORS = new Set(['ENOENT', 'EACCES', 'ENOEXEC', 'EPERM', 'ENOTDIR']);

/** Per process: a random prefix for output files, and a counter (no directory is created per call). */
const outPrefix = path.join(tmpdir(), `oeflow-${process.pid}-${randomBytes(4).toString('hex')}-`);
let outSeq = 0;

/** An anonymous read-write file: created exclusively in the temp dir and unlinked at once (its descriptor keeps it). */
function anonymousFile(): number {
  const file = `${outPrefix}${++outSeq}`;
  const fd = openSync(file, 'wx+', 0o600);
  unlinkSync(file);
  return fd;
}

interface Ended {
  exitCode: number | null;
  signal: string | null;
  cancelled: boolean;
  spawnError?: NodeJS.ErrnoException;
}

/** Runs `<dlc>/bin/<utility> argv…` in the C locale (PROMSGS `$DLC/promsgs` unless set) and returns what it did. */
export async function runTool(
  dlc: string,
  utility: Utility,
  argv: readonly string[],
  o: RunOptions = {},
): Promise<ToolResult> {
  const file = path.join(dlc, 'bin', utility);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const callerEnv = { ...process.env, ...o.env };
  // Output goes to files, not pipes: if oeflow dies, a pipe would kill the utility (SIGPIPE)
  // at its next line, half way through a roll forward; with files it finishes its work, and
  // the resume waits for it (engine/leftover-utilities.ts). The files are unlinked before the
  // spawn: the open descriptors keep them readable, and nothing is left behind even if oeflow dies.
  const outFd = anonymousFile();
  const errFd = anonymousFile();
  let ended: Ended;
  let stdout: string;
  let stderr: string;
  try {
    ended = await new Promise<Ended>((resolve) => {
      const child = spawn(file, [...argv], {
        // stdin is a pipe only when there is something to say on it (utility-params.ts: the
        // passphrase); if oeflow dies the utility just reads end-of-file there.
        stdio: [o.input === undefined ? 'ignore' : 'pipe', outFd, errFd],
        // Own process group: a Ctrl-C at the terminal reaches oeflow (which waits for a running
        // `once` step, e.g. a roll forward) but never kills the utility half way.
        detached: true,
        // OpenEdge takes its message language from PROMSGS, not the locale; $DLC/promsgs is the
        // English file the parsers expect. A PROMSGS the caller set is the caller's choice.
        env: {
          ...callerEnv,
          DLC: dlc,
          LANG: 'C',
          LC_ALL: 'C',
          PROMSGS: callerEnv.PROMSGS || path.join(dlc, 'promsgs'),
        },
        ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
      });
      let cancelled = false;
      let force: NodeJS.Timeout | undefined;
      const stop = (): void => {
        if (cancelled) return;
        cancelled = true;
        child.kill('SIGTERM');
        force = setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS);
        force.unref();
      };
      const timer = o.timeoutMs === undefined ? undefined : setTimeout(stop, o.timeoutMs);
      const settle = (e: Ended): void => {
        if (timer) clearTimeout(timer);
        if (force) clearTimeout(force);
        o.signal?.removeEventListener('abort', stop);
        resolve(e);
      };
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (child.pid === undefined) settle({ exitCode: null, signal: null, cancelled: false, spawnError: err });
      });
      child.once('exit', (code, signal) => settle({ exitCode: code, signal, cancelled }));
      if (child.pid === undefined) return; // did not start: 'error' follows
      if (o.input !== undefined && child.stdin) {
        child.stdin.on('error', () => undefined); // a utility that exits without reading its input (EPIPE)
        child.stdin.end(o.input);
      }
      o.onSpawn?.(child.pid);
      if (o.signal?.aborted) stop();
      else o.signal?.addEventListener('abort', stop, { once: true });
    });
    stdout = readAll(outFd);
    stderr = readAll(errFd);
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
  if (ended.spawnError !== undefined) {
    const code = ended.spawnError.code;
    throw new OeflowError('OEF-012', `${file} could not be started${code ? ` (${code})` : ''}.`, {
      cause: ended.spawnError,
      details: { utility, file, argv: [...argv], code: code ?? null },
      ...(code !== undefined && !SPAWN_ERRORS.has(code)
        ? { hint: 'The spawn failed for a reason other than a missing or non-executable file; see the cause.' }
        : {}),
    });
  }
  return {
    utility,
    argv: [...argv],
    exitCode: ended.exitCode,
    signal: ended.signal,
    durationMs: Math.round(performance.now() - started),
    stdout,
    stderr,
    messages: parseMessages(`${stdout}\n${stderr}`),
    startedAt,
    cancelled: ended.cancelled,
  };
}
