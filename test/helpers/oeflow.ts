// Runs the built oeflow CLI as a real process (as users and scripts do) and parses --json.
import { execa, type ResultPromise } from 'execa';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { tlsFreeEnv } from '../../src/tls-free-env.js';
import { inProcessBusy, outsideCommand, runOeflowInProcess } from './in-process.js';

export const BIN = resolve(import.meta.dirname, '../../dist/src/cli/bin.js');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

let inProcess = false;

/**
 * From now on this test file's `oeflow`, `oeflowText` and `sim.oeflow` run the CLI in the test's
 * own process (test/helpers/in-process.ts), which saves starting node for every command;
 * `spawnOeflow` still spawns. For files whose commands need no process of their own. Until the
 * file ends: a file run after it in the same process (isolate: false) spawns unless it asks too.
 */
export function useInProcessCli(): void {
  inProcess = true;
  afterAll(() => {
    inProcess = false;
  });
}

/**
 * Whether a command with this environment runs in-process: a crash point kills its process, and
 * a command started while another runs in-process runs beside it, so those spawn.
 */
export function inProcessFor(env: Record<string, string>): boolean {
  return inProcess && !env['OEFLOW_CRASH_AT'] && !inProcessBusy();
}

/** execa options for a spawned CLI: the test process's own environment and directory, not those of a command running in-process. */
export function spawnedEnv(
  env: Record<string, string>,
  cwd?: string,
): { env: Record<string, string>; extendEnv: false; cwd: string } {
  const outside = outsideCommand();
  // the CLI opens no TLS connection in any test: it starts without loading certificates (src/tls-free-env.ts)
  return { env: tlsFreeEnv({ ...outside.env, ...env }), extendEnv: false, cwd: cwd ?? outside.cwd };
}

/** Run `oeflow <args> --json` to completion. */
export async function oeflow(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  const r = inProcessFor(env)
    ? await runOeflowInProcess([...args, '--json'], { env })
    : await execa(process.execPath, [BIN, ...args, '--json'], { reject: false, ...spawnedEnv(env), timeout: 120_000 });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    /* not JSON: leave empty, tests assert on it */
  }
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}

/** Run `oeflow <args>` without --json (the human output) to completion. */
export async function oeflowText(args: readonly string[], env: Record<string, string>): Promise<Omit<CliRun, 'json'>> {
  const r = inProcessFor(env)
    ? await runOeflowInProcess(args, { env })
    : await execa(process.execPath, [BIN, ...args], { reject: false, ...spawnedEnv(env), timeout: 120_000 });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Start oeflow detached in its own process group, so a test can SIGKILL it with every child. */
export function spawnOeflow(args: readonly string[], env: Record<string, string>): ResultPromise {
  return execa(process.execPath, [BIN, ...args, '--json'], {
    reject: false,
    ...spawnedEnv(env),
    detached: true,
    timeout: 120_000,
  });
}

/** SIGKILL a whole process group (oeflow and the utilities it runs). */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export { tempDir } from './temp-dir.js';

export interface Invocation {
  argv: string[];
  exitCode: number | null;
  phase?: string;
  pid?: number;
}

/** Every line of $DLC/invocations.jsonl (start and end lines) whose argv contains all `words`. */
export function invocationLines(dlc: string, ...words: string[]): Invocation[] {
  const file = join(dlc, 'invocations.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Invocation)
    .filter((e) => words.every((w) => e.argv.includes(w)));
}

/** Finished simulated invocations whose argv contains all `words`. */
export function invocations(dlc: string, ...words: string[]): Invocation[] {
  return invocationLines(dlc, ...words).filter((e) => e.phase === 'end');
}

export { eventually } from './eventually.js';
