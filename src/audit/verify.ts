// Compliance proof of a run (docs/architecture.md §5.6): the journal's hash chain is intact, and replaying
// the recorded events through the machine definition reproduces every recorded state, in
// order; every step result was journaled before the transition that consumed it and agrees
// with it; the tables the reports display agree with the journal; and, when the rows are
// signed, the signatures verify. What the proof does not cover is stated in `limits`.
import type { KeyObject } from 'node:crypto';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import {
  currentHash,
  definitionFor,
  definitionRegistry,
  versionsShipping,
  type DefinitionRegistry,
} from '../../machines/index.js';
import { stateName } from '../engine/run-status.js';
import { OeflowError } from '../errors.js';
import { isEffectCommand } from '../steps/effect-commands.js';
import { closingOf, decodeJournal, type JournalEntry, type Store } from '../store/index.js';
import { runOutcome, stepNames, type Outcome } from './outcome.js';
import { checkRecord } from './record-check.js';
import { checkSignatures, type Authenticity } from './signature-check.js';

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
  /**
   * The definition the run recorded (run-started) and the one the replay used: today's when
   * unchanged, else the archived one of that hash (machines/versions); `available` is false
   * when this oeflow carries neither, and `shippedIn` names the versions that shipped it.
   */
  definition: {
    sameAsNow: boolean;
    available: boolean;
    recorded: string;
    current: string;
    replayedWith: 'current' | 'archived' | 'none';
    shippedIn: readonly string[];
  };
  replay: { ok: boolean; transitions: VerifiedTransition[]; problem?: string };
  ordering: { ok: boolean; problems: string[] };
  /** The run, attempts and commands tables (what reports display) agree with the journal. */
  record: { ok: boolean; problems: string[] };
  authenticity: Authenticity;
  /** Every row is signed by a key the auditor passed (--public-key). */
  authenticated: boolean;
  /** What this verification does not prove. */
  limits: string[];
  /** States the run went through, for the highlighted diagram. */
  visited: string[];
  verdict: 'proven' | 'not-proven';
  /** The integrity verdict, never merged with the outcome: is this journal proven, and is it signed. */
  integrity: { verdict: 'PROVEN' | 'NOT PROVEN'; signed: boolean; authenticated: boolean };
  /** What the run did (COMPLETED / FAILED at … / ABORTED / NEEDS DECISION / OPEN), read from the journal. */
  outcome: Outcome;
  /** Both verdicts in one line: "PROVEN — FAILED at OFFLINE-5 (copyFiles): OEF-050 …". */
  headline: string;
}

const stepEvent = /^xstate\.(done|error)\.actor\.(.+)$/;
/** Outcomes after which a step actor resolves (done) or rejects (error). */
const DONE_OUTCOMES = new Set(['ok', 'reconciled-done', 'decided-done']);
const ERROR_OUTCOMES = new Set(['error']);

/** What a verification never proves, and what it does not prove this time. */
function limitsOf(authenticity: Authenticity): string[] {
  const limits: string[] = [];
  if (authenticity.checkedWith !== 'public-key' || !authenticity.ok) {
    limits.push(
      authenticity.checkedWith === 'none'
        ? 'Not authenticated: the rows are not signed. Anyone who can write the store file could rewrite this run and recompute its hash chain; the chain shows accidental damage and edits that did not recompute it. Sign runs with --signing-key (oeflow key generate) and verify with --public-key.'
        : "Not authenticated: the signatures were not checked against a key you trust (pass the signer's public key with --public-key); keys recorded in the store could be an attacker's own.",
    );
  }
  limits.push(
    'A journal cut short after any row reads as a run that stopped there: a run is proven complete only by its run-ended row with status completed.',
  );
  limits.push(
    'Exit codes and messages are what the utilities reported when the run happened; the verification does not re-check the database.',
  );
  return limits;
}

/**
 * Replay the run's journaled events through its machine and check the journal's integrity.
 * With `trustedKeys`, every row must be signed by one of them for the run to be proven.
 */
export function verifyRun(
  store: Store,
  runId: string,
  trustedKeys?: readonly KeyObject[],
  registry: DefinitionRegistry = definitionRegistry,
): Verification {
  const run = store.getRun(runId);
  if (!run) throw new OeflowError('OEF-030', `no run ${runId} in this store`);
  const current = currentHash(registry, run.machineId);
  const ranUnder = definitionFor(registry, run.machineId, run.machineHash);
  if (current === undefined && ranUnder === undefined)
    throw new OeflowError('OEF-032', `run ${runId} uses an unknown machine ${run.machineId}`);
  const chain = store.verifyChain(runId);
  const raw = store.journal(runId);
  const rows = decodeJournal(raw);
  const replay: Verification['replay'] = ranUnder
    ? replayTransitions(ranUnder.machine, run.input, rows)
    : {
        ok: false,
        transitions: [],
        problem: `this oeflow does not carry the ${run.machineId} definition ${run.machineHash.slice(0, 16)}… the run ran under`,
      };
  const ordering = checkOrdering(rows);
  const record = checkRecord(run, rows, store.attempts(runId), store.commands(runId));
  const authenticity = checkSignatures(raw, store.signingKeys(), trustedKeys);
  const definition = {
    sameAsNow: current === run.machineHash,
    available: ranUnder !== undefined,
    recorded: run.machineHash,
    current: current ?? '',
    replayedWith:
      ranUnder === undefined ? ('none' as const) : ranUnder.current ? ('current' as const) : ('archived' as const),
    shippedIn: versionsShipping(registry, run.machineId, run.machineHash),
  };
  const authenticated = authenticity.checkedWith === 'public-key' && authenticity.ok;
  // Signatures that do not verify are evidence of tampering even when no key was passed.
  const signaturesOk = authenticity.checkedWith === 'none' || authenticity.ok;
  const proven =
    chain.ok &&
    definition.available &&
    replay.ok &&
    ordering.ok &&
    record.ok &&
    signaturesOk &&
    (trustedKeys === undefined || authenticated);
  const machineForNames = ranUnder?.machine ?? registry.current[run.machineId]!;
  const outcome = runOutcome(stepNames(machineForNames), rows);
  const integrity = {
    verdict: proven ? ('PROVEN' as const) : ('NOT PROVEN' as const),
    signed: authenticity.signedRows > 0,
    authenticated,
  };
  return {
    runId,
    machineId: run.machineId,
    status: run.status,
    chain: chain.ok
      ? { ok: true, rows: chain.rows }
      : { ok: false, rows: rows.length, brokenAtSeq: chain.brokenAtSeq, reason: chain.reason },
    definition,
    replay,
    ordering,
    record,
    authenticity,
    authenticated,
    limits: limitsOf(authenticity),
    visited: [...new Set(replay.transitions.map((t) => t.state))],
    verdict: proven ? 'proven' : 'not-proven',
    integrity,
    outcome,
    headline: headlineOf(integrity, outcome),
  };
}

/** "PROVEN (signed, authenticated) — FAILED at OFFLINE-5 (copyFiles): OEF-050 …". */
export function headlineOf(integrity: Verification['integrity'], outcome: Outcome): string {
  const how = integrity.authenticated ? 'signed, authenticated' : integrity.signed ? 'signed' : 'unsigned';
  return `${integrity.verdict} (${how}) — ${outcome.summary}`;
}

function replayTransitions(
  machine: AnyStateMachine,
  input: unknown,
  rows: readonly JournalEntry[],
): Verification['replay'] {
  let [snap] = initialTransition(machine, input) as [AnyMachineSnapshot, unknown];
  const out: VerifiedTransition[] = [];
  for (const row of rows) {
    if (row.kind !== 'transition') continue;
    const data = row.data;
    if (data.event.type !== 'xstate.init')
      [snap] = transition(machine, snap, data.event) as [AnyMachineSnapshot, unknown];
    const ok = JSON.stringify(snap.value) === JSON.stringify(data.to);
    out.push({ seq: row.seq, at: row.at, event: data.event.type, state: stateName(data.to), ok });
    if (!ok)
      return {
        ok: false,
        transitions: out,
        problem: `seq ${row.seq}: ${data.event.type} leads to ${stateName(snap.value)} in the machine, but the journal records ${stateName(data.to)}`,
      };
  }
  return { ok: true, transitions: out };
}

/**
 * Every step outcome event must follow the journaled result (or reconciliation) of that step; an
 * in-doubt error (the run then waits for an operator) must follow an intent of that step that no
 * result settled.
 */
function checkOrdering(rows: readonly JournalEntry[]): Verification['ordering'] {
  const problems: string[] = [];
  const results = new Map<string, { seq: number; outcome: string }>();
  const intents = new Map<string, number>();
  /** The latest intent's step key, and whether a row with an outcome has closed it since. */
  let latestIntent: { stepKey: string; settled: boolean } | null = null;
  for (const row of rows) {
    if (row.kind === 'intent' && row.stepKey) {
      intents.set(row.stepKey, row.seq);
      latestIntent = { stepKey: row.stepKey, settled: false };
    }
    const closes = closingOf(row);
    if (closes?.outcome != null && latestIntent?.stepKey === row.stepKey) latestIntent.settled = true;
    const closing = closingOf(row);
    if (closing !== null && row.stepKey) {
      results.delete(row.stepKey); // re-inserted last: the map's order is the journal's
      results.set(row.stepKey, { seq: row.seq, outcome: String(closing.outcome ?? undefined) });
    }
    if (row.kind === 'command' && row.stepKey && !intents.has(row.stepKey) && isEffectCommand(row.data.argv ?? [])) {
      problems.push(`seq ${row.seq}: state-changing command of ${row.stepKey} without a prior intent`);
    }
    if (row.kind !== 'transition') continue;
    const type = row.data.event.type;
    const m = stepEvent.exec(type);
    if (!m) continue;
    const invokeId = m[2]!;
    if (m[1] === 'error' && row.data.errorKind === 'in-doubt') {
      const open = latestIntent !== null && latestIntent.stepKey.split('#')[0] === invokeId && !latestIntent.settled;
      if (!open) problems.push(`seq ${row.seq}: ${type} is in doubt, but no attempt of ${invokeId} is open before it`);
      continue;
    }
    const latest = [...results.entries()].filter(([k]) => k.split('#')[0] === invokeId).at(-1)?.[1];
    if (latest === undefined)
      problems.push(`seq ${row.seq}: ${type} has no journaled result for ${invokeId} before it`);
    else if (!(m[1] === 'done' ? DONE_OUTCOMES : ERROR_OUTCOMES).has(latest.outcome)) {
      problems.push(`seq ${row.seq}: ${type} follows a result with outcome ${latest.outcome} (seq ${latest.seq})`);
    }
  }
  return { ok: problems.length === 0, problems };
}
