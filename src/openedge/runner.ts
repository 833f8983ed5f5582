// The single place that spawns an OpenEdge utility (execa, argv array, never a shell).
// A non-zero exit is a result, not an exception; only a failure to start throws.
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
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
  /** Called once the process exists, before it ends (the engine journals state-changing spawns). */
  onSpawn?: (pid: number) => void;
}

/** Everything written to `fd` from its start, without the final newline (as execa's pipes gave it). */
function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (let pos = 0; ;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    pos += n;
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const SPAWN_ERRORS = new Set(['ENOENT', 'EACCES', 'ENOEXEC', 'EPERM', 'ENOTDIR']);

/** Runs `<dlc>/bin/<utility> argv…` in the C locale (PROMSGS `$DLC/promsgs` unless set) and returns what it did. */
export async function runTool(dlc: string, utility: Utility, argv: readonly string[], o: RunOptions = {}): Promise<ToolResult> {
  const file = path.join(dlc, 'bin', utility);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const callerEnv = { ...process.env, ...o.env };
  // Output goes to files, not pipes: if oeflow dies, a pipe would kill the utility (SIGPIPE)
  // at its next line, half way through a roll forward; with files it finishes its work, and
  // the resume waits for it (engine/leftover-utilities.ts).
  // The descriptors are handed to the child itself (execa's {file} would stream through us),
  // and the files are unlinked at once: the open descriptors keep them readable, and nothing
  // is left behind in the temp directory even if oeflow dies.
  const outDir = await mkdtemp(path.join(tmpdir(), 'oeflow-tool-'));
  const outFd = openSync(path.join(outDir, 'stdout'), 'w+');
  const errFd = openSync(path.join(outDir, 'stderr'), 'w+');
  await rm(outDir, { recursive: true, force: true });
  const child = execa(file, [...argv], {
    reject: false,
    stdin: 'ignore',
    // execa passes a descriptor number straight to spawn (documented), but its types omit it
    stdout: outFd as unknown as 'ignore',
    stderr: errFd as unknown as 'ignore',
    // Own process group: a Ctrl-C at the terminal reaches oeflow (which waits for a running
    // `once` step, e.g. a roll forward) but never kills the utility half way.
    detached: true,
    extendEnv: false,
    // OpenEdge takes its message language from PROMSGS, not the locale; $DLC/promsgs is the
    // English file the parsers expect. A PROMSGS the caller set is the caller's choice.
    env: { ...callerEnv, DLC: dlc, LANG: 'C', LC_ALL: 'C', PROMSGS: callerEnv.PROMSGS || path.join(dlc, 'promsgs') },
    ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
    ...(o.signal === undefined ? {} : { cancelSignal: o.signal }),
    ...(o.timeoutMs === undefined ? {} : { timeout: o.timeoutMs }),
  });
  if (child.pid !== undefined) o.onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  const r = await child.finally(() => {
    stdout = readAll(outFd);
    stderr = readAll(errFd);
    closeSync(outFd);
    closeSync(errFd);
  });
  const code = typeof r.code === 'string' ? r.code : undefined;
  if (r.exitCode === undefined && r.signal === undefined && !r.isCanceled && !r.timedOut) {
    throw new OeflowError('OEF-012', `${file} could not be started${code ? ` (${code})` : ''}.`, {
      cause: r.cause,
      details: { utility, file, argv: [...argv], code: code ?? null },
      ...(code !== undefined && !SPAWN_ERRORS.has(code) ? { hint: 'The spawn failed for a reason other than a missing or non-executable file; see the cause.' } : {}),
    });
  }
  return {
    utility,
    argv: [...argv],
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    durationMs: Math.round(performance.now() - started),
    stdout,
    stderr,
    messages: parseMessages(`${stdout}\n${stderr}`),
    startedAt,
    cancelled: r.isCanceled || r.timedOut,
  };
}
