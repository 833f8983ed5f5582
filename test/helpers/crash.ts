// Kill-and-resume driver for the crash tests: run oeflow until a chosen step is in
// flight (or has just returned), SIGKILL it there, and read what the store recorded.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { stateName } from '../../src/engine/run-status.js';
import { createTools } from '../../src/openedge/create-tools.js';
import { pidAlive } from '../../src/openedge/liveness.js';
import { mainPath, pathAfterFailure, type PathStep } from '../../src/plan/main-path.js';
import { backupWorld } from '../../src/plan/plan.js';
import type { ProcedureInput } from '../../machines/contract.js';
import { machines } from '../../machines/index.js';
import { isSimProcess, type Sim } from './sim.js';
import { compensationKills, type KillAt } from './kill-plan.js';
import { eventually, invocationLines, killGroup, spawnOeflow } from './oeflow.js';

export { branchOf, killPlan, type KillAt } from './kill-plan.js';

/** A backup's main path on the simulated database as it is now (read-only probes, as `--plan` reads them). */
export async function backupPath(sim: Sim, input: ProcedureInput): Promise<PathStep[]> {
  return mainPath(machines[input.procedure], input, await backupWorld(createTools({ dlc: sim.dlc }), input));
}

/** Kills in every compensation a backup's machine can take on the simulated database as it is now (kill-plan.ts). */
export async function compensationPlan(sim: Sim, input: ProcedureInput): Promise<KillAt[]> {
  const machine = machines[input.procedure];
  const world = await backupWorld(createTools({ dlc: sim.dlc }), input);
  return compensationKills(mainPath(machine, input, world), (key) => pathAfterFailure(machine, input, world, key));
}

/** The newest run's attempts and state, read from the store. */
export function storeView(statePath: string): {
  state: string;
  status: string;
  open: string[];
  attempts: { stepKey: string; outcome: string | null }[];
} {
  const store = openStore(statePath);
  try {
    const run = store.listRuns()[0];
    if (!run) return { state: '', status: '', open: [], attempts: [] };
    const attempts = store.attempts(run.runId).map((a) => ({ stepKey: a.stepKey, outcome: a.outcome }));
    return {
      state: stateName(run.stateValue),
      status: run.status,
      open: attempts.filter((a) => a.outcome === null).map((a) => a.stepKey),
      attempts,
    };
  } finally {
    store.close();
  }
}

/** The newest run's stored input: what its steps' declarations are a function of. */
export function storedInput(statePath: string): ProcedureInput {
  const store = openStore(statePath);
  try {
    const run = store.listRuns()[0];
    if (!run) throw new Error(`no run in ${statePath}`);
    return run.input as ProcedureInput;
  } finally {
    store.close();
  }
}

/** The failure the newest run's snapshot recorded, for assertion messages. */
function failureOf(statePath: string): unknown {
  const store = openStore(statePath);
  try {
    const run = store.listRuns()[0];
    return (run?.snapshot as { context?: { failure?: unknown } } | undefined)?.context?.failure ?? null;
  } finally {
    store.close();
  }
}

/** Start (args) or resume (--db) oeflow, kill it at `at`, and check the kill hit that step. */
export async function killAt(sim: Sim, statePath: string, args: readonly string[], at: KillAt): Promise<void> {
  // the guard of an earlier kill may still be disabling its quiet point: its proquiet call is not the one to hang
  await eventually(() => guardsSettled(statePath), 30_000, 'the quiet-point guards of earlier kills to finish');
  const env = {
    ...sim.env,
    OEFLOW_STATE: statePath,
    OEFLOW_SIM_FAULTS: [at.fail, 'hang' in at ? at.hang : undefined].filter((f) => f !== undefined).join(';'),
    OEFLOW_CRASH_AT: 'crashAt' in at ? `${at.crashAt}:${at.stepKey}` : '',
  };
  // earlier kills left hung calls of their own: count only new ones
  const before = 'hang' in at ? hungCalls(sim.dlc, at.words) : 0;
  const child = spawnOeflow(args, env);
  if ('hang' in at) {
    // hung at its gate (the db opened, nothing changed): a kill while it starts would model another fault
    const hung = () => hungCalls(sim.dlc, at.words) > before;
    // a resume that starts over (a quiet point its guard released) runs a whole cycle first
    try {
      await eventually(() => hung(), 120_000, `a hung ${at.words.join(' ')} in ${at.stepKey}`);
    } catch (err) {
      // say what the run did instead
      killGroup(child.pid);
      const r = await child;
      throw new Error(`${(err as Error).message}: ${String(r.stdout).slice(-1500)} ${String(r.stderr).slice(-800)}`);
    }
    // Durability protocol: at the moment the command runs, the state and the intent are committed.
    const view = storeView(statePath);
    // on a mismatch, say why the run went elsewhere (the failure it recorded)
    expect(view.state.split('.').pop(), `at ${at.stepKey}: ${JSON.stringify(failureOf(statePath))}`).toBe(
      at.stepKey.split('#')[0],
    );
    expect(view.open).toContain(at.stepKey);
    killGroup(child.pid);
    killUnfinished(sim.dlc); // utilities run in their own process group: end the hung one too
    // the run's guard inherited the fault too: its own call hangs the same way; end those until it gives up
    await eventually(
      () => {
        killUnfinished(sim.dlc);
        return guardsSettled(statePath);
      },
      60_000,
      'the guard of the killed run to finish',
    );
  }
  const r = await child;
  if (r.signal !== 'SIGKILL') {
    const evidence = `${String(r.stdout)}\n${String(r.stderr)}\n${worldEvidence(sim)}`;
    writeFileSync(join(tmpdir(), 'oeflow-crash-failure.txt'), evidence);
    expect.fail(`oeflow should die at ${at.stepKey}: exit ${r.exitCode} ${evidence.slice(-6000)}`);
  }
  expect(storeView(statePath).open).toContain(at.stepKey);
}

/** What the simulated utilities did and what the database's .lg and .lk say, for a failure message. */
function worldEvidence(sim: Sim): string {
  const calls = invocationLines(sim.dlc)
    .slice(-30)
    .map((l) => `${l.phase ?? 'end'} pid ${l.pid ?? '?'} exit ${l.exitCode ?? '-'}: ${l.argv.join(' ')}`);
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'latin1') : '(none)');
  const lg = read(`${sim.db}.lg`).split('\n').slice(-25).join('\n');
  return `-- last utility calls:\n${calls.join('\n')}\n-- .lk: ${JSON.stringify(read(`${sim.db}.lk`))}\n-- .lg tail:\n${lg}`;
}

/** True when no quiet-point guard of the store is still working (its record says watching and it lives). */
export function guardsSettled(statePath: string): boolean {
  const dir = `${statePath}-guards`;
  if (!existsSync(dir)) return true;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .every((f) => {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { outcome: string; guardPid: number };
      return r.outcome !== 'watching' || !pidAlive(r.guardPid);
    });
}

/** Calls of the utility (matching `words`) that a hang fault holds at their gate, ever. */
function hungCalls(dlc: string, words: string[]): number {
  return invocationLines(dlc, ...words).filter((l) => l.phase === 'hung').length;
}

/** SIGKILL every simulated utility that started and never wrote its end line (a hung one). */
export function killUnfinished(dlc: string): void {
  const lines = invocationLines(dlc);
  const ended = new Set(lines.filter((l) => l.phase === 'end').map((l) => l.pid));
  for (const l of lines) {
    if (l.phase === 'start' && l.pid !== undefined && !ended.has(l.pid) && isSimProcess(l.pid)) {
      try {
        process.kill(l.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

/** How many times a resume found the run's quiet point (or shut-down database) lost and started over (journaled world checks). */
export function restartsAfterLostQuietPoint(statePath: string): number {
  const store = openStore(statePath);
  try {
    const run = store.listRuns()[0]!;
    return store
      .journal(run.runId)
      .filter(
        (r) =>
          r.kind === 'note' &&
          typeof (r.data as { worldCheck?: { changed?: unknown } }).worldCheck?.changed === 'string',
      ).length;
  } finally {
    store.close();
  }
}
