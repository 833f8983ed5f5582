// The single place that spawns an OpenEdge utility (execa, argv array, never a shell).
// A non-zero exit is a result, not an exception; only a failure to start throws.
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
  const child = execa(file, [...argv], {
    reject: false,
    stdin: 'ignore',
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
  const r = await child;
  const code = typeof r.code === 'string' ? r.code : undefined;
  if (r.exitCode === undefined && r.signal === undefined && !r.isCanceled && !r.timedOut) {
    throw new OeflowError('OEF-012', `${file} could not be started${code ? ` (${code})` : ''}.`, {
      cause: r.cause,
      details: { utility, file, argv: [...argv], code: code ?? null },
      ...(code !== undefined && !SPAWN_ERRORS.has(code) ? { hint: 'The spawn failed for a reason other than a missing or non-executable file; see the cause.' } : {}),
    });
  }
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
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
