// The engine's `step` actor, memoised by (run, stepKey, attempt) through the journal
// (docs/architecture.md §5.2): a recorded result is replayed, an intent without
// a result is reconciled, and only a step with nothing recorded is run — after its
// intent row is committed.
/* eslint-disable @typescript-eslint/only-throw-error -- the actor rejects with a plain StepFailure: it becomes the machine's onError payload and is persisted in the snapshot as JSON */
import { fromPromise } from 'xstate';
import { isEffectCommand } from '../steps/effect-commands.js';
import { siteCommandEndNote, siteCommandNote, spawnNote } from './leftover-utilities.js';
import type { ProcedureInput, StepInput, StepOutput } from '../../machines/contract.js';
import { OeflowError } from '../errors.js';
import type { OpenEdgeTools } from '../openedge/tools.js';
import type { ToolResult } from '../openedge/types.js';
import type { CatalogEntry, Facts, Reconciliation, Step, StepEnv, StepFailure } from '../steps/step.js';
import { StepFailureError, failure } from '../steps/step.js';
import type { Store } from '../store/index.js';
import { decideAttempt, settleReconciliation, type AttemptDecision, type Settlement } from './attempt-decision.js';
import { crashPoint } from './crash-points.js';
import { processMark, type ProcessMark } from './run-marker.js';
import type { QuietGuardControl } from './quiet-guard-control.js';
import type { Reporter } from './reporter.js';

/** What the step actor needs from the run it belongs to. */
export interface RunControl {
  readonly runId: string;
  readonly runStartedAt: string;
  /** Journal seq of the transition that entered the current state: attempts after it belong to this visit. */
  visitSeq(): number;
  /** True when an abort is pending and the current state would take ABORT: do not start anything new. */
  holdForAbort(): boolean;
  /**
   * The attempt is in doubt and an operator decides. Returns the in-doubt failure to reject with
   * when the machine has an awaiting-decision state for the step (machines/decision-state.ts);
   * null when the engine stopped the run itself (a definition without one).
   */
  needsDecision(stepKey: string, why: string, label?: string): StepFailure | null;
  /** Tells the run which kind of step is in flight (aborts wait for `once` steps). */
  inFlight(effect: Step['effect'] | null): void;
}

export interface StepActorDeps {
  store: Store;
  steps: Readonly<Record<string, Step<never>>>;
  toolsFor(
    record: (r: ToolResult) => void,
    spawned: (s: { pid: number; argv: string[]; spawnId?: string }) => void,
    markSpawn: () => ProcessMark,
    beforeSpawn: () => void,
  ): OpenEdgeTools;
  reporter: Reporter;
  control: RunControl;
  catalog(entry: CatalogEntry): void;
  /** The run's stored input, with what the machine's context leaves out (the AI file list). */
  runInput: ProcedureInput;
  quietGuard: QuietGuardControl;
}

/** A step that had nothing to do says so in its facts (`skipped: true` and a `note`): the reporter shows it as skipped, not done. */
function skippedBecause(facts: Facts): { skipped?: string } {
  if (facts['skipped'] !== true) return {};
  return { skipped: typeof facts['note'] === 'string' ? facts['note'] : 'nothing to do' };
}

const never = (): Promise<never> => new Promise<never>(() => undefined);

/**
 * The rows a step writes after its intent (its commands, the pids it started, its result) need
 * no fsync of their own (store/group-commit.ts): the next side effect that an OS crash would
 * not undo comes after a durable commit or a sync — the next `once` step's intent, the sync
 * before a utility spawn (journalDurableBeforeSpawn) or a site command, the run's end — so
 * they are durable before it. An OS crash that loses them leaves the step's intent without a
 * result: in doubt, which reconcile decides, as after any crash during a step; a pid note only
 * matters while the OS that ran the pid is up (docs/architecture.md §5.9).
 */
const WITH_NEXT = { durable: 'with-next' } as const;

/**
 * Whether the journal is made durable (Store.sync) before a step's utility call starts. Always,
 * except for a step whose call does what an OS crash does too (`osCrashHasSameEffect`: the quiet
 * point's disable). A crash that loses the rows before the disable leaves the run under a quiet
 * point enabled before the OS started again, which the world check never trusts (world-check.ts):
 * the run starts over with a new quiet point (docs/architecture.md §5.9). That takes the one
 * fsync out of the quiet window.
 */
export function journalDurableBeforeSpawn(step: Pick<Step<unknown>, 'osCrashHasSameEffect'>): boolean {
  return step.osCrashHasSameEffect !== true;
}

/** Map anything a step threw to the plain, persistable StepFailure. */
export function toFailure(err: unknown): StepFailure {
  if (err instanceof StepFailureError) return err.failure;
  if (err instanceof OeflowError) return failure('failed', err.code, err.message, err.hint);
  const message = err instanceof Error ? err.message : String(err);
  return failure('failed', 'OEF-002', `internal error in step: ${message}`);
}

/** Build the step actor that the engine `provide()`s to the machines. */
export function createStepActor(deps: StepActorDeps) {
  const { store, control, reporter } = deps;
  const runId = control.runId;

  return fromPromise<StepOutput, StepInput>(async ({ input, signal }) => {
    // XState starts invoked children before it notifies the inspector that persists the
    // snapshot; yielding one macrotask guarantees the state is committed before we act.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal.aborted) return never();
    const step = deps.steps[input.stepId] as Step<unknown> | undefined;
    if (step === undefined) throw failure('failed', 'OEF-002', `no step module named ${input.stepId}`);
    const started = Date.now();
    const named = { title: step.title, kb: input.kb ?? step.kb };

    const decision = decideAttempt(store.latestAttempt(runId, input.stepKey), control.visitSeq(), step);
    const syncBeforeSpawn = journalDurableBeforeSpawn(step) ? () => store.sync() : () => undefined;
    const env = (forAttempt: number): StepEnv => ({
      runId,
      stepKey: input.stepKey,
      ctx: input.context,
      tools: deps.toolsFor(
        (r) => {
          store.recordCommand(
            runId,
            {
              stepKey: input.stepKey,
              attempt: forAttempt,
              argv: [r.utility, ...r.argv],
              exitCode: r.exitCode,
              signal: r.signal,
              durationMs: r.durationMs,
              stdout: r.stdout,
              stderr: r.stderr,
              messages: r.messages,
              startedAt: r.startedAt,
              ...(r.stdin === undefined ? {} : { stdin: r.stdin }),
            },
            WITH_NEXT,
          );
          reporter({
            type: 'command',
            runId,
            stepKey: input.stepKey,
            argv: [r.utility, ...r.argv],
            exitCode: r.exitCode,
            signal: r.signal,
            durationMs: r.durationMs,
          });
        },
        // a state-changing utility's pid, so a resume after a kill can wait for it (leftover-utilities.ts)
        (sp) => {
          if (!isEffectCommand(sp.argv)) return;
          crashPoint('after-spawn', input.stepKey);
          store.appendJournal(
            runId,
            {
              kind: 'note',
              stepKey: input.stepKey,
              attempt: forAttempt,
              data: spawnNote(sp.pid, sp.argv, sp.spawnId),
            },
            WITH_NEXT,
          );
        },
        () => processMark(runId, input.stepKey, forAttempt),
        syncBeforeSpawn,
      ),
      // a site command is a side effect too, and what it changes is the operator's to say: the
      // rows before it are durable first, whatever the step (store/group-commit.ts)
      markSpawn: () => {
        store.sync();
        return processMark(runId, input.stepKey, forAttempt);
      },
      signal,
      progress: (p) => reporter({ type: 'step-progress', runId, stepKey: input.stepKey, ...p }),
      catalog: (entry) => deps.catalog(entry),
      runStartedAt: control.runStartedAt,
      runInput: deps.runInput,
      enteredAt: () => (control.visitSeq() > 0 ? (store.journalRow(runId, control.visitSeq())?.at ?? null) : null),
      quietGuard: {
        arm: () => {
          deps.quietGuard.arm(input.stepKey, forAttempt);
          return deps.quietGuard.started();
        },
        release: (how) => deps.quietGuard.release(how),
      },
      // a site command's pid, so a resume after a kill waits for it as for a utility (leftover-utilities.ts)
      siteCommandStarted: (pid, argv, ownGroup, spawnId) => {
        crashPoint('after-spawn', input.stepKey);
        // best effort too: a failing store stops the run at its next write; the command is not stopped half way for it
        try {
          store.appendJournal(
            runId,
            {
              kind: 'note',
              stepKey: input.stepKey,
              attempt: forAttempt,
              data: siteCommandNote(pid, argv, ownGroup, spawnId),
            },
            WITH_NEXT,
          );
        } catch {
          /* see above */
        }
        // best effort: a store failing now is reported by the step's own result write; without
        // this note a resume finds the pid gone, which is as good
        return () => {
          try {
            store.appendJournal(
              runId,
              {
                kind: 'note',
                stepKey: input.stepKey,
                attempt: forAttempt,
                data: siteCommandEndNote(pid),
              },
              WITH_NEXT,
            );
          } catch {
            /* see above */
          }
        };
      },
    });

    let attempt: number;
    switch (decision.kind) {
      case 'facts-after-decision': {
        // an operator declared the attempt done: its facts are read from the state now
        const facts = decision.factsWhenDecided(await step.probe(env(decision.attempt)), decision.intent);
        const output = JSON.parse(JSON.stringify({ facts: { ...facts, decidedByOperator: true } })) as StepOutput;
        store.appendJournal(runId, {
          kind: 'note',
          stepKey: input.stepKey,
          attempt: decision.attempt,
          data: { factsAfterDecision: output.facts },
        });
        return output;
      }
      case 'replay': {
        const replay = decision.replayed;
        reporter({
          type: 'step-end',
          runId,
          stepKey: input.stepKey,
          ...named,
          outcome: 'memo',
          durationMs: 0,
          ...(replay.ok ? skippedBecause(replay.output.facts) : { failure: replay.failure }),
        });
        if (replay.ok) return replay.output;
        throw replay.failure;
      }
      case 'needs-decision':
        return awaitDecision(input.stepKey, decision.why, `${step.title} (${named.kb})`);
      case 'run-again-in-doubt':
        store.recordResult(runId, {
          stepKey: input.stepKey,
          attempt: decision.attempt,
          outcome: 'reconciled-not-done',
          output: { why: decision.why },
        });
        reporter({
          type: 'reconcile',
          runId,
          stepKey: input.stepKey,
          title: step.title,
          kb: named.kb,
          verdict: 'not-done',
          why: `${step.effect} step: run again`,
        });
        attempt = decision.attempt + 1;
        break;
      case 'reconcile': {
        const settled = await reconcileInDoubt(step, decision, env(decision.attempt), named.kb);
        if (signal.aborted) return never(); // the state was left while reconciling
        if (settled.next === 'done') return settled.result.output;
        if (settled.next === 'fail') throw settled.result.error;
        if (settled.next === 'needs-decision')
          return awaitDecision(input.stepKey, settled.why, `${step.title} (${named.kb})`);
        attempt = decision.attempt + 1;
        break;
      }
      case 'run':
        attempt = decision.attempt;
        break;
    }

    if (signal.aborted || control.holdForAbort()) return never(); // the engine delivers ABORT now
    /** The attempt ended in failure: its result row and the step-end report; returns the failure to throw to the machine. */
    const failedAttempt = (attempt: number, f: StepFailure): StepFailure => {
      store.recordResult(runId, { stepKey: input.stepKey, attempt, outcome: 'error', error: f }, WITH_NEXT);
      reporter({
        type: 'step-end',
        runId,
        stepKey: input.stepKey,
        ...named,
        outcome: 'error',
        failure: f,
        durationMs: Date.now() - started,
      });
      return f;
    };
    reporter({ type: 'step-start', runId, stepKey: input.stepKey, stepId: step.id, ...named, attempt });
    const stepEnv = env(attempt);
    const at = new Date().toISOString();
    let probe: unknown;
    try {
      probe = await (step.intentProbe ? step.intentProbe(stepEnv) : step.probe(stepEnv));
    } catch (err) {
      const f = toFailure(err);
      store.recordIntent(runId, { stepKey: input.stepKey, stepId: step.id, attempt, data: { at, probeError: f } });
      throw failedAttempt(attempt, f);
    }
    // an ABORT (or watchdog) that arrived during the probe stopped this actor: start nothing
    if (signal.aborted) return never();
    const refused = step.precheck?.(probe, stepEnv) ?? null;
    // Only a `once` step's intent must be durable before the step acts: reconcile decides its
    // in-doubt attempt from it. A read or idempotent step in doubt, or whose intent an OS crash
    // lost, simply runs again; a utility or site command it starts is preceded by a sync
    // (journalDurableBeforeSpawn, markSpawn) unless an OS crash would do what the call does
    // (docs/architecture.md §5.9; issue 9: no fsync inside the quiet window).
    store.recordIntent(
      runId,
      {
        stepKey: input.stepKey,
        stepId: step.id,
        attempt,
        data: { at, probe, effect: step.effect, ...(refused ? { refused } : {}) },
      },
      step.effect === 'once' ? {} : WITH_NEXT,
    );
    if (refused !== null) throw failedAttempt(attempt, refused);
    crashPoint('after-intent', input.stepKey);
    control.inFlight(step.effect);
    let facts: Facts;
    try {
      facts = await step.run(stepEnv, probe);
    } catch (err) {
      control.inFlight(null);
      crashPoint('after-command', input.stepKey);
      const f = signal.aborted
        ? failure('failed', 'OEF-052', `step cancelled: ${toFailure(err).message}`)
        : toFailure(err);
      throw failedAttempt(attempt, f);
    }
    control.inFlight(null);
    crashPoint('after-command', input.stepKey);
    const output = JSON.parse(JSON.stringify({ facts })) as StepOutput;
    store.recordResult(runId, { stepKey: input.stepKey, attempt, outcome: 'ok', output }, WITH_NEXT);
    crashPoint('after-result', input.stepKey);
    reporter({
      type: 'step-end',
      runId,
      stepKey: input.stepKey,
      ...named,
      outcome: 'ok',
      durationMs: Date.now() - started,
      ...skippedBecause(facts),
    });
    return output;
  });

  /**
   * An operator decides (docs/architecture.md §5.3): the actor rejects with the in-doubt failure,
   * which takes the machine to the step's awaiting-decision state; with a definition that has
   * none, the engine has stopped the run and the actor never settles.
   */
  function awaitDecision(stepKey: string, why: string, label: string): Promise<never> {
    const inDoubt = control.needsDecision(stepKey, why, label);
    if (inDoubt !== null) throw inDoubt;
    return never();
  }

  /** docs/architecture.md §5.3: reconcile an intent without a result; never re-run a `once` step blindly. */
  async function reconcileInDoubt(
    step: Step<unknown>,
    inDoubt: Extract<AttemptDecision, { kind: 'reconcile' }>,
    env: StepEnv,
    kb: string,
  ): Promise<Settlement> {
    const stepKey = env.stepKey;
    let verdict: Reconciliation;
    try {
      verdict = await inDoubt.reconcile(await step.probe(env), inDoubt.intent, env);
    } catch (err) {
      verdict = { verdict: 'unknown', why: `probe failed: ${toFailure(err).message}` };
    }
    reporter({
      type: 'reconcile',
      runId,
      stepKey,
      title: step.title,
      kb,
      verdict: verdict.verdict,
      ...('why' in verdict ? { why: verdict.why } : {}),
    });
    const settled = settleReconciliation(verdict);
    if (settled.next === 'needs-decision') {
      store.appendJournal(runId, {
        kind: 'reconciliation',
        stepKey,
        attempt: inDoubt.attempt,
        data: { verdict: 'unknown', why: settled.why },
      });
    } else store.recordResult(runId, { stepKey, attempt: inDoubt.attempt, ...settled.result });
    return settled;
  }
}
