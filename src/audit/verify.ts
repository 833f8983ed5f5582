// Compliance proof of a run (DESIGN §6): the journal's hash chain is intact, and replaying
// the recorded events through the machine definition reproduces every recorded state, in
// order; every step result was journaled before the transition that consumed it.
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { machineHash, machines, type MachineId } from '../../machines/index.js';
import { stateName } from '../engine/run-status.js';
import { OeflowError } from '../errors.js';
import { isEffectCommand } from '../openedge/effect-commands.js';
import type { JournalRow, Store } from '../store/index.js';

export interface VerifiedTransition {
  seq: number;
  at: string;
  event: string;
  state: string;
  ok: boolean;
}

export interface Verification {
  runId: string;
  machineId: string;
  status: string;
  chain: { ok: boolean; rows: number; brokenAtSeq?: number; reason?: string };
  definition: { sameAsNow: boolean };
  replay: { ok: boolean; transitions: VerifiedTransition[]; problem?: string };
  ordering: { ok: boolean; problems: string[] };
  /** States the run went through, for the highlighted diagram. */
  visited: string[];
  verdict: 'proven' | 'not-proven';
}

const stepEvent = /^xstate\.(done|error)\.actor\.(.+)$/;

/** Replay the run's journaled events through its machine and check the journal's integrity. */
export function verifyRun(store: Store, runId: string): Verification {
  const run = store.getRun(runId);
  if (!run) throw new OeflowError('OEF-030', `no run ${runId} in this store`);
  const machine: AnyStateMachine | undefined = machines[run.machineId as MachineId];
  if (!machine) throw new OeflowError('OEF-032', `run ${runId} uses an unknown machine ${run.machineId}`);
  const chain = store.verifyChain(runId);
  const rows = store.journal(runId);
  const replay = replayTransitions(machine, run.input, rows);
  const ordering = checkOrdering(rows);
  const chainOk = chain.ok;
  return {
    runId, machineId: run.machineId, status: run.status,
    chain: chain.ok ? { ok: true, rows: chain.rows } : { ok: false, rows: rows.length, brokenAtSeq: chain.brokenAtSeq, reason: chain.reason },
    definition: { sameAsNow: machineHash(machine) === run.machineHash },
    replay, ordering,
    visited: [...new Set(replay.transitions.map((t) => t.state))],
    verdict: chainOk && replay.ok && ordering.ok ? 'proven' : 'not-proven',
  };
}

function replayTransitions(machine: AnyStateMachine, input: unknown, rows: JournalRow[]): Verification['replay'] {
  let [snap] = initialTransition(machine, input) as [AnyMachineSnapshot, unknown];
  const out: VerifiedTransition[] = [];
  for (const row of rows.filter((r) => r.kind === 'transition')) {
    const data = row.data as { event: { type: string }; to: unknown };
    if (data.event.type !== 'xstate.init') [snap] = transition(machine, snap, data.event) as [AnyMachineSnapshot, unknown];
    const ok = JSON.stringify(snap.value) === JSON.stringify(data.to);
    out.push({ seq: row.seq, at: row.at, event: data.event.type, state: stateName(data.to), ok });
    if (!ok) return { ok: false, transitions: out, problem: `seq ${row.seq}: ${data.event.type} leads to ${stateName(snap.value)} in the machine, but the journal records ${stateName(data.to)}` };
  }
  return { ok: true, transitions: out };
}

/** Every step outcome event must follow the journaled result (or reconciliation) of that step. */
function checkOrdering(rows: JournalRow[]): Verification['ordering'] {
  const problems: string[] = [];
  const results = new Map<string, number>();
  const intents = new Map<string, number>();
  for (const row of rows) {
    if (row.kind === 'intent' && row.stepKey) intents.set(row.stepKey, row.seq);
    if ((row.kind === 'result' || row.kind === 'reconciliation' || row.kind === 'decision') && row.stepKey) results.set(row.stepKey, row.seq);
    if (row.kind === 'command' && row.stepKey && !intents.has(row.stepKey) && isEffectCommand(commandArgv(row.data))) {
      problems.push(`seq ${row.seq}: state-changing command of ${row.stepKey} without a prior intent`);
    }
    if (row.kind !== 'transition') continue;
    const type = (row.data as { event: { type: string } }).event.type;
    const m = stepEvent.exec(type);
    if (!m) continue;
    const invokeId = m[2]!;
    const matched = [...results.keys()].some((k) => k.split('#')[0] === invokeId);
    if (!matched) problems.push(`seq ${row.seq}: ${type} has no journaled result for ${invokeId} before it`);
  }
  return { ok: problems.length === 0, problems };
}

/** The argv a journaled command row carries (utility first). */
function commandArgv(data: unknown): string[] {
  const argv = (data as { argv?: unknown }).argv;
  return Array.isArray(argv) ? argv.map(String) : [];
}
