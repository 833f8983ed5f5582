// OFFLINE — offline OS backup with after-imaging (docs/procedure.md OFFLINE-1..7).
// Pure: the engine provide()s the `step` actor that runs each step.
import { setup } from 'xstate';
import type { ProcedureEvent } from './contract.js';
import { withDecisionStates } from './decision-state.js';
import {
  initialContext,
  procedureTypes,
  clearInDoubt,
  recordCompensationFailure,
  recordFacts,
  recordFailure,
  recordInDoubt,
  recordRestart,
  stepPlaceholder,
} from './procedure-setup.js';
import { compensationState, stepState } from './step-state.js';

// Before the shutdown, ABORT and failures simply end the run. From OFFLINE-1 on, the
// database is left as the operator chose: restarted (the default, OFFLINE-7's proserve)
// or left shut down (--no-restart). RESUME starts over from preflight either way.
const abortable = { on: { ABORT: { target: 'aborted' } } } as const;
const toFailed = [{ target: 'failed' }] as const;
// What each state holds (meta.holds): from the shutdown to the restart the database may be down.
const shuttingDown = { condition: 'database-down', phase: 'entering' } as const;
const down = { condition: 'database-down', phase: 'held' } as const;
const restarting = { condition: 'database-down', phase: 'leaving' } as const;
const abortableAfterShutdown = {
  on: { ABORT: [{ target: 'restartAfterAbort', guard: 'restartWanted' }, { target: 'aborted' }] },
} as const;
// Resume found the database opened since the shutdown: the copy would not be of the database
// the run shut down, so the run starts over from its checks.
const restartable = {
  WORLD_CHANGED: {
    target: 'preflight',
    actions: {
      type: 'recordRestart',
      params: ({ event }: { event: ProcedureEvent }) => ({ reason: 'reason' in event ? event.reason : '' }),
    },
  },
} as const;
const whileDown = { on: { ...abortableAfterShutdown.on, ...restartable } } as const;
const toFailedAfterShutdown = [
  { target: 'restartAfterFailure', guard: 'restartWanted' },
  { target: 'failed' },
] as const;

export const offlineBackupMachine = setup({
  types: procedureTypes,
  actors: { step: stepPlaceholder },
  guards: {
    /** OFFLINE-7 runs unless the operator asked to leave the server down (input.restart false). */
    restartWanted: ({ context }) => context.input.restart !== false,
  },
  actions: { recordFacts, recordFailure, recordCompensationFailure, recordRestart, recordInDoubt, clearInDoubt },
}).createMachine({
  id: 'offline-backup',
  context: initialContext,
  initial: 'preflight',
  states: withDecisionStates({
    preflight: {
      ...stepState({
        stepId: 'preflight',
        stateId: 'preflight',
        kb: 'PRE',
        description: 'Check the database, AI and destination before touching anything',
        onDone: [{ target: 'shutdown' }],
        onError: toFailed,
      }),
      ...abortable,
    },
    shutdown: {
      ...stepState({
        stepId: 'shutdown',
        stateId: 'shutdown',
        canBeInDoubt: true,
        kb: 'OFFLINE-1',
        description: 'Shut the database down gracefully (proshut -by)',
        holds: shuttingDown,
        onDone: [{ target: 'truncateBi' }],
        onError: toFailedAfterShutdown,
      }),
      ...abortableAfterShutdown,
    },
    truncateBi: {
      ...stepState({
        stepId: 'truncateBi',
        stateId: 'truncateBi',
        kb: 'OFFLINE-2',
        description: 'Truncate the before-image file (proutil -C truncate bi)',
        holds: down,
        onDone: [{ target: 'jobsCheck' }],
        onError: toFailedAfterShutdown,
      }),
      ...whileDown,
    },
    jobsCheck: {
      ...stepState({
        stepId: 'jobsCheck',
        stateId: 'jobsCheck',
        kb: 'OFFLINE-3',
        description: 'Make sure no scheduled job is running against the database',
        holds: down,
        onDone: [{ target: 'verifyNotInUseBefore' }],
        onError: toFailedAfterShutdown,
      }),
      ...whileDown,
    },
    // From here to verifyNotInUseAfter nothing may touch the database (OFFLINE-3..5).
    verifyNotInUseBefore: {
      ...stepState({
        stepId: 'verifyNotInUse',
        stateId: 'verifyNotInUseBefore',
        kb: 'OFFLINE-3',
        description: 'Prove the database is not in use before the AI switch and the copy',
        holds: down,
        onDone: [{ target: 'aiSwitch' }],
        onError: toFailedAfterShutdown,
      }),
      ...whileDown,
    },
    aiSwitch: {
      ...stepState({
        stepId: 'aiSwitch',
        stateId: 'aiSwitch',
        canBeInDoubt: true,
        kb: 'OFFLINE-4',
        description: 'Switch to a new AI extent so the copy is not in the middle of an AI file (rfutil -C aimage new)',
        holds: down,
        onDone: [{ target: 'copyFiles' }],
        onError: toFailedAfterShutdown,
      }),
      ...whileDown,
    },
    copyFiles: {
      ...stepState({
        stepId: 'copyFiles',
        stateId: 'copyFiles',
        kb: 'OFFLINE-5',
        description: 'Copy every database file, AI files included',
        holds: down,
        onDone: [{ target: 'verifyNotInUseAfter' }],
        onError: toFailedAfterShutdown,
      }),
      ...whileDown,
    },
    verifyNotInUseAfter: {
      ...stepState({
        stepId: 'verifyNotInUse',
        stateId: 'verifyNotInUseAfter',
        kb: 'OFFLINE-5',
        description: 'Prove nothing opened the database while it was copied',
        holds: down,
        onDone: [{ target: 'verifyCopy' }],
        onError: toFailedAfterShutdown,
      }),
      ...whileDown,
    },
    verifyCopy: {
      ...stepState({
        stepId: 'verifyCopy',
        stateId: 'verifyCopy',
        kb: 'OFFLINE-5',
        description: 'Verify the copy is complete against its manifest',
        holds: down,
        onDone: [{ target: 'markBackedup' }],
        onError: toFailedAfterShutdown,
      }),
      ...whileDown,
    },
    markBackedup: {
      ...stepState({
        stepId: 'markBackedup',
        stateId: 'markBackedup',
        kb: 'OFFLINE-6',
        description: 'Mark the database as backed up (rfutil -C mark backedup)',
        holds: down,
        onDone: [{ target: 'restart', guard: 'restartWanted' }, { target: 'recordBackup' }],
        onError: toFailedAfterShutdown,
      }),
      ...whileDown,
    },
    restart: {
      ...stepState({
        stepId: 'restart',
        stateId: 'restart',
        canBeInDoubt: true,
        kb: 'OFFLINE-7',
        description: 'Restart the database server (proserve)',
        holds: restarting,
        onDone: [{ target: 'recordBackup' }],
        onError: toFailed,
      }),
      ...abortableAfterShutdown,
    },
    recordBackup: {
      ...stepState({
        stepId: 'recordBackup',
        stateId: 'recordBackup',
        kb: 'CATALOG',
        description: 'Record the backup and its paired AI sequence in the catalog',
        onDone: [{ target: 'completed' }],
        onError: toFailed,
      }),
      ...abortable,
    },
    restartAfterAbort: compensationState({
      stepId: 'restart',
      stateId: 'restartAfterAbort',
      canBeInDoubt: true,
      kb: 'OFFLINE-7',
      description: 'Aborted after the shutdown: restart the server as the operator chose, then stop',
      holds: restarting,
      onDone: [{ target: 'aborted' }],
      onError: toFailed,
    }),
    restartAfterFailure: compensationState({
      stepId: 'restart',
      stateId: 'restartAfterFailure',
      canBeInDoubt: true,
      kb: 'OFFLINE-7',
      description: 'A step failed after the shutdown: restart the server as the operator chose, then fail',
      holds: restarting,
      onDone: toFailed,
      onError: toFailed,
    }),
    aborted: {
      description: 'Aborted by signal or operator; the database restarted unless --no-restart. RESUME starts over.',
      meta: { kb: 'ABORT', status: 'aborted' },
      on: { RESUME: { target: 'preflight' } },
    },
    completed: { type: 'final', description: 'Backup taken, verified and recorded', meta: { kb: 'END' } },
    failed: { type: 'final', description: 'A step failed; context.failure says which and why', meta: { kb: 'END' } },
  }),
});
