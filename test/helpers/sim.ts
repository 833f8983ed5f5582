// Test helpers for the OpenEdge simulator: a temp sim (DLC + database), running the
// fake utilities and the oeflow CLI, and guaranteed cleanup of every process a test
// caused (brokers via $DLC/run, hung utilities via the invocation log, bash scripts).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterEach } from 'vitest';
import { initSim, type InitOptions } from '../../src/sim/init.js';
import { tlsFreeEnv } from '../../src/tls-free-env.js';
import { readInvocations } from '../../src/sim/invocation-log.js';
import { socketPath } from '../../src/sim/paths.js';
import { listBrokers } from '../../src/sim/registry.js';
import { runOeflowInProcess } from './in-process.js';
import { endGuardsUnder } from './guard-processes.js';
import { inProcessFor, spawnedEnv } from './oeflow.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN_JS = join(ROOT, 'dist/src/sim/main.js');
export const CLI_JS = join(ROOT, 'dist/src/cli/bin.js');

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Message numbers printed, in order: `… (8019)` → 8019. */
  messages: number[];
}

export type SimOptions = Omit<InitOptions, 'dir' | 'mainJs'>;

export interface Sim {
  dir: string;
  dlc: string;
  db: string;
  name: string;
  /** process.env + DLC + PATH with $DLC/bin first. */
  env: Record<string, string>;
  /** Run `$DLC/bin/<utility> args…`. */
  run(
    utility: string,
    args: readonly string[],
    opts?: { env?: Record<string, string>; input?: string; cwd?: string },
  ): Promise<RunResult>;
  /** Run the oeflow CLI (`node dist/src/cli/bin.js …`, or in-process after useInProcessCli()) with this sim's env. */
  oeflow(args: readonly string[], opts?: { env?: Record<string, string> }): Promise<RunResult>;
  /** Run a bash script (own process group, killed at cleanup) with this sim's env. */
  bash(script: string, opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult>;
  /** Start a process in the background (tracked; killed at cleanup). */
  background(cmd: string, args: readonly string[], opts?: { env?: Record<string, string> }): ResultPromise;
  /** sha256 of every file under `dir` except logs (.lg, invocation log): "did anything change?". */
  hashDir(dir?: string): string;
  cleanup(): Promise<void>;
}

/** Message numbers in utility output. */
export function messageNumbers(text: string): number[] {
  return [...text.matchAll(/\((\d+)\)\s*$/gm)].map((m) => Number(m[1]));
}

function toResult(r: { exitCode?: number; stdout?: unknown; stderr?: unknown }): RunResult {
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  return {
    exitCode: r.exitCode ?? -1,
    stdout,
    stderr: typeof r.stderr === 'string' ? r.stderr : '',
    messages: messageNumbers(stdout),
  };
}

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** True when `pid` is a live simulator process (guards against pid reuse before a kill). */
export function isSimProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('/sim/');
  } catch {
    return false;
  }
}

/** Kill every process this DLC started that may still run: brokers, hung utilities. */
export function killSimProcesses(dlc: string): number[] {
  const killed: number[] = [];
  for (const b of listBrokers(dlc)) {
    if (isSimProcess(b.pid)) {
      killGroup(b.pid);
      killed.push(b.pid);
    }
    try {
      unlinkSync(socketPath(b.base));
    } catch {
      // no socket left
    }
  }
  const lines = readInvocations(dlc);
  const ended = new Set(lines.filter((l) => l.phase === 'end').map((l) => l.pid));
  for (const l of lines) {
    if (l.phase === 'start' && !ended.has(l.pid) && isSimProcess(l.pid)) {
      killGroup(l.pid);
      killed.push(l.pid);
    }
  }
  return killed;
}

function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    // <db>.simlock is the simulator's own mutex (src/sim/file-lock.ts), made and removed by a
    // running broker or load around each write: not database content, and gone at any moment
    for (const name of readdirSync(d)
      .filter((n) => !n.endsWith('.simlock'))
      .sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (!name.endsWith('.lg') && name !== 'invocations.jsonl')
        h.update(`${p}\0`).update(readFileSync(p)).update('\0');
    }
  };
  walk(dir);
  return h.digest('hex');
}

/** Create a temp simulator (DLC + database); the dist build must exist. */
export function createSim(opts: SimOptions = {}, where: { parentDir?: string } = {}): Sim {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(where.parentDir ?? tmpdir(), 'oeflow-sim-'));
  let r: ReturnType<typeof initSim>;
  try {
    r = initSim({ ...opts, dir, mainJs: MAIN_JS });
  } catch (err) {
    killSimProcesses(join(dir, 'dlc'));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return simIn(dir, r);
}

/** A Sim handle on a simulator whose files already exist in `dir` (made by createSim, or a copy of them at the same path). */
export function simIn(dir: string, r: { dlc: string; db: string; name: string }): Sim {
  const children: ResultPromise[] = [];
  // nothing a test starts with this environment opens a TLS connection (src/tls-free-env.ts)
  const env: Record<string, string> = tlsFreeEnv({
    ...(process.env as Record<string, string>),
    DLC: r.dlc,
    PATH: `${r.dlc}/bin:${process.env['PATH'] ?? ''}`,
    OEFLOW_SIM_FAULTS: '',
  });
  const track = (p: ResultPromise): ResultPromise => {
    children.push(p);
    return p;
  };
  const sim: Sim = {
    dir,
    dlc: r.dlc,
    db: r.db,
    name: r.name,
    env,
    async run(utility, args, o = {}) {
      return toResult(
        await track(
          execa(join(r.dlc, 'bin', utility), [...args], {
            env: { ...env, ...o.env },
            reject: false,
            input: o.input ?? '',
            cwd: o.cwd ?? dir,
          }),
        ),
      );
    },
    async oeflow(args, o = {}) {
      if (inProcessFor({ ...env, ...o.env }))
        return toResult(await runOeflowInProcess(args, { env: { ...env, ...o.env }, cwd: dir }));
      return toResult(
        await track(
          execa(process.execPath, [CLI_JS, ...args], { ...spawnedEnv({ ...env, ...o.env }, dir), reject: false }),
        ),
      );
    },
    async bash(script, o = {}) {
      const p = track(
        execa('bash', ['-c', script], {
          env: { ...env, ...o.env },
          reject: false,
          detached: true,
          cwd: dir,
          timeout: o.timeoutMs ?? 50_000,
          input: '',
        }),
      );
      return toResult(await p);
    },
    background(cmd, args, o = {}) {
      return track(
        execa(cmd, [...args], { env: { ...env, ...o.env }, reject: false, detached: true, cwd: dir, input: '' }),
      );
    },
    hashDir(d = join(dir, 'db')) {
      return hashTree(d);
    },
    async cleanup() {
      for (const c of children) if (c.pid !== undefined && c.exitCode === null) killGroup(c.pid);
      const guards = endGuardsUnder(dir); // before the brokers go: a guard would answer their end
      killSimProcesses(r.dlc);
      await Promise.allSettled([...children, guards]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return sim;
}

/** Vitest-friendly factory: every sim it creates is cleaned up after each test, pass or fail. */
export function useSim(): (opts?: SimOptions, where?: { parentDir?: string }) => Sim {
  const sims: Sim[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.cleanup()));
  });
  return (opts, where) => {
    const s = createSim(opts, where);
    sims.push(s);
    return s;
  };
}
