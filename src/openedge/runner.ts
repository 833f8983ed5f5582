// The single place that spawns an OpenEdge utility (execa, argv array, never a shell).
// A non-zero exit is a result, not an exception; only a failure to start throws.
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  // The descriptors are handed to the child itself (execa's {file} would stream through us).
  const outDir = await mkdtemp(path.join(tmpdir(), 'oeflow-tool-'));
  const outFile = path.join(outDir, 'stdout');
  const errFile = path.join(outDir, 'stderr');
  const outFd = openSync(outFile, 'w');
  const errFd = openSync(errFile, 'w');
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
  const r = await child.finally(() => {
    closeSync(outFd);
    closeSync(errFd);
  });
  // (without the final newline, as a pipe read through execa gave it)
  const read = async (f: string): Promise<string> => (await readFile(f, 'utf8').catch(() => '')).replace(/\r?\n$/, '');
  const [stdout, stderr] = await Promise.all([read(outFile), read(errFile)]);
  await rm(outDir, { recursive: true, force: true });
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
