// ROLLFORWARD — restore an OS copy and roll the AI files forward (docs/procedure.md RF-1..5,
// RF-5r). The article's invariant "no RF-4 after any RF-5 has begun" is a guard on every
// way into aiSequence, and rollForwardStarted is set on entry to RF-5, before the step
// actor can run anything. Pure: the engine provide()s `step`.
import { assign, not, setup, type ErrorActorEvent } from 'xstate';
import type { StepOutput, ProcedureContext, StepFailure } from './contract.js';
import { withDecisionStates } from './decision-state.js';
import {
  clearInDoubt,
  initialContext,
  procedureTypes,
  recordFacts,
  recordFailure,
  recordInDoubt,
  stepPlaceholder,
} from './procedure-setup.js';
import { stepState } from './step-state.js';

/** A guard on the kind of the step's failure (the error event carries a StepFailure). */
/** How many AI files are planned: the count the engine passes, or the list (tests, older runs). */
const plannedAiFiles = (context: ProcedureContext): number =>
  context.input.aiFileCount ?? context.input.aiFiles?.length ?? 0;

const failureIs = (type: 'interrupted' | 'rfError' | 'retriesExhausted') => ({
  type,
  params: ({ event }: { event: ErrorActorEvent }) => ({ failure: event.error as StepFailure }),
});

/**
 * Automatic `retry` runs in a row on one file after rfutil was killed half way. A kill that
 * repeats (the OOM killer, a broken disk) would otherwise loop forever: after this many the
 * run halts and an operator decides (`oeflow resume --retry` starts a new budget).
 */
export const MAX_AUTOMATIC_RETRIES = 3;

const toFailed = [{ target: 'failed' }] as const;
const toAborted = { on: { ABORT: { target: 'aborted' } } } as const;
const toAbortedDuringRollForward = { on: { ABORT: { target: 'abortedDuringRollForward' } } } as const;
// Ways into RF-4 are guarded by sequenceAllowed; otherwise the run fails (OEF-210).
const sequenceRefused = { target: 'failed', actions: ['refuseSequence'] } as const;
// After a file was applied: the next one, or done. Guards see the context before the
// transition's actions run, hence moreAiFiles looks one file ahead of aiIndex.
const afterFileApplied = [
  {
    target: 'rollForward',
    guard: 'moreAiFiles',
    reenter: true,
    actions: ['nextAiFile', 'clearFailure', 'resetRetries'],
  },
  { target: 'completed', actions: ['nextAiFile', 'clearFailure', 'resetRetries'] },
] as const;

export const rollForwardMachine = setup({
  types: procedureTypes,
  actors: { step: stepPlaceholder },
  guards: {
    /** RF-3 is needed only when the copy came from a replication source or target. */
    replicationEnabled: ({ context }) =>
      context.input.replication === 'source' || context.input.replication === 'target',
    /** Set on entry to RF-5: from then on AI is disabled and RF-4 is impossible. */
    rollForwardStarted: ({ context }) => context.rollForwardStarted,
    /** RF-4 may run: no roll forward has started (the article's invariant). */
    sequenceAllowed: not('rollForwardStarted'),
    /** There is an AI file at aiIndex to roll forward. */
    aiFilesPlanned: ({ context }) => context.aiIndex < plannedAiFiles(context),
    /** Another AI file follows the one at aiIndex. */
    // --until: once rfutil located the endtime (17923) no further file may be applied
    moreAiFiles: ({ context, event }) =>
      context.aiIndex + 1 < plannedAiFiles(context) &&
      (event as { output?: StepOutput }).output?.facts.endtimeLocated !== true,
    /** The roll forward was cut off by a crash: only `retry` on the same file may continue it. */
    interrupted: (_args, params: { failure: StepFailure }) => params.failure.kind === 'interrupted',
    /** rfutil exited with an error: the run halts until an operator asks for retry. */
    rfError: (_args, params: { failure: StepFailure }) => params.failure.kind === 'rf-error',
    /** Killed half way again, and the automatic retries for this file are used up. */
    retriesExhausted: ({ context }, params: { failure: StepFailure }) =>
      params.failure.kind === 'interrupted' && (context.automaticRetries ?? 0) >= MAX_AUTOMATIC_RETRIES,
    /** The file at aiIndex still needs `retry` (its roll forward was interrupted or failed). */
    retryPending: ({ context }) => context.failure?.kind === 'interrupted' || context.failure?.kind === 'rf-error',
  },
  actions: {
    recordFacts,
    recordFailure,
    recordInDoubt,
    clearInDoubt,
    markRollForwardStarted: assign({ rollForwardStarted: true }),
    nextAiFile: assign(({ context }) => ({ aiIndex: context.aiIndex + 1 })),
    clearFailure: assign({ failure: null }),
    countRetry: assign(({ context }) => ({ automaticRetries: (context.automaticRetries ?? 0) + 1 })),
    resetRetries: assign({ automaticRetries: 0 }),
    stopRetrying: assign(({ context }): Partial<ProcedureContext> => ({
      failure: {
        kind: 'interrupted',
        code: 'OEF-215',
        message: `roll forward retry of AI file ${context.aiIndex + 1} was killed half way ${context.automaticRetries ?? 0} times in a row: stopped for an operator (${context.failure?.message ?? 'no message'})`,
      },
    })),
    refuseSequence: assign((): Partial<ProcedureContext> => ({
      failure: {
        kind: 'invariant',
        code: 'OEF-210',
        message: 'rfutil -C sequence refused: a roll forward has already started',
      },
    })),
  },
}).createMachine({
  id: 'roll-forward',
  context: initialContext,
  initial: 'preflight',
  states: withDecisionStates({
    preflight: {
      ...stepState({
        stepId: 'preflight',
        stateId: 'preflight',
        kb: 'PRE',
        description: 'Check the backup, the target and the planned AI files',
        onDone: [{ target: 'restoreCopy' }],
        onError: toFailed,
      }),
      ...toAborted,
    },
    restoreCopy: {
      ...stepState({
        stepId: 'restoreCopy',
        stateId: 'restoreCopy',
        kb: 'RF-1',
        description: 'Restore the OS copy; remove the copied .lk file',
        onDone: [{ target: 'repairStructure' }],
        onError: toFailed,
      }),
      ...toAborted,
    },
    repairStructure: {
      ...stepState({
        stepId: 'repairStructure',
        stateId: 'repairStructure',
        kb: 'RF-2',
        description: 'Write full extent paths to dbname.st and repair the control area (prostrct repair)',
        onDone: [
          { target: 'disableReplication', guard: 'replicationEnabled' },
          { target: 'aiSequence', guard: 'sequenceAllowed' },
          sequenceRefused,
        ],
        onError: toFailed,
      }),
      ...toAborted,
    },
    disableReplication: {
      ...stepState({
        stepId: 'disableReplication',
        stateId: 'disableReplication',
        canBeInDoubt: true,
        kb: 'RF-3',
        description: 'Disable site replication on the restored copy',
        onDone: [{ target: 'aiSequence', guard: 'sequenceAllowed' }, sequenceRefused],
        onError: toFailed,
      }),
      ...toAborted,
    },
    aiSequence: {
      ...stepState({
        stepId: 'aiSequence',
        stateId: 'aiSequence',
        canBeInDoubt: true,
        kb: 'RF-4',
        description: 'Align the expected AI sequence with the current one (rfutil -C sequence)',
        onDone: [{ target: 'rollForward', guard: 'aiFilesPlanned' }, { target: 'completed' }],
        onError: toFailed,
      }),
      ...toAborted,
    },
    rollForward: {
      entry: ['markRollForwardStarted'],
      ...stepState({
        stepId: 'rollForward',
        stateId: 'rollForward',
        canBeInDoubt: true,
        kb: 'RF-5',
        keyedByAiIndex: true,
        description: 'Roll forward the AI file at aiIndex (rfutil -C roll forward -a)',
        onDone: afterFileApplied,
        onError: [
          { target: 'rollForwardRetry', guard: failureIs('interrupted'), actions: ['countRetry'] },
          { target: 'rollForwardHalted', guard: failureIs('rfError') },
          ...toFailed,
        ],
      }),
      ...toAbortedDuringRollForward,
    },
    rollForwardRetry: {
      entry: ['markRollForwardStarted'],
      ...stepState({
        stepId: 'rollForwardRetry',
        stateId: 'rollForwardRetry',
        canBeInDoubt: true,
        kb: 'RF-5r',
        keyedByAiIndex: true,
        description: 'Retry the roll forward of the AI file at aiIndex (rfutil -C roll forward retry -a)',
        onDone: afterFileApplied,
        // a crash during the retry leaves it in doubt again: retry is still the way on, up to
        // MAX_AUTOMATIC_RETRIES in a row, then an operator decides
        onError: [
          { target: 'rollForwardHalted', guard: failureIs('retriesExhausted'), actions: ['stopRetrying'] },
          { target: 'rollForwardRetry', guard: failureIs('interrupted'), reenter: true, actions: ['countRetry'] },
          { target: 'rollForwardHalted', guard: failureIs('rfError') },
          ...toFailed,
        ],
      }),
      ...toAbortedDuringRollForward,
    },
    rollForwardHalted: {
      description:
        'rfutil exited with an error, or retry was killed too often: waiting for an operator to ask for retry (oeflow resume --retry) or to abort',
      meta: { kb: 'RF-5r', status: 'halted' },
      on: { RETRY: { target: 'rollForwardRetry', actions: ['resetRetries'] }, ABORT: { target: 'failed' } },
    },
    aborted: {
      description: 'Aborted before any roll forward: RESUME restores the copy again from the start',
      meta: { kb: 'ABORT', status: 'aborted' },
      on: { RESUME: { target: 'preflight' } },
    },
    abortedDuringRollForward: {
      description:
        'Aborted between AI files: RESUME continues at aiIndex (retry first if that file still needs it); RF-4 stays impossible',
      meta: { kb: 'ABORT', status: 'aborted' },
      on: { RESUME: [{ target: 'rollForwardRetry', guard: 'retryPending' }, { target: 'rollForward' }] },
    },
    completed: {
      type: 'final',
      description: 'Every planned AI file rolled forward; re-enable AI if protection is wanted',
      meta: { kb: 'END' },
    },
    failed: {
      type: 'final',
      description: 'A step failed or an invariant was refused; context.failure says which',
      meta: { kb: 'END' },
    },
  }),
});
