// OFFLINE — offline OS backup with after-imaging (PROCEDURE.md OFFLINE-1..7).
// Pure: the engine provide()s the `step` actor that runs each step.
import { setup } from 'xstate';
import { initialContext, procedureTypes, recordFacts, recordFailure, stepPlaceholder } from './procedure-setup.js';
import { stepState } from './step-state.js';

// ABORT leaves the database shut down (documented choice): the engine reports it and
// RESUME starts over from preflight, which re-checks the database's real state.
const abortable = { on: { ABORT: { target: 'aborted' } } } as const;
const toFailed = [{ target: 'failed' }] as const;

export const offlineBackupMachine = setup({
  types: procedureTypes,
  actors: { step: stepPlaceholder },
  guards: {
    /** OFFLINE-7 runs unless the operator asked to leave the server down (input.restart false). */
    restartWanted: ({ context }) => context.input.restart !== false,
  },
  actions: { recordFacts, recordFailure },
}).createMachine({
  id: 'offline-backup',
  context: initialContext,
  initial: 'preflight',
  states: {
    preflight: {
      ...stepState({ stepId: 'preflight', stateId: 'preflight', kb: 'PRE', description: 'Check the database, AI and destination before touching anything', onDone: [{ target: 'shutdown' }], onError: toFailed }),
      ...abortable,
    },
    shutdown: {
      ...stepState({ stepId: 'shutdown', stateId: 'shutdown', kb: 'OFFLINE-1', description: 'Shut the database down gracefully (proshut -by)', onDone: [{ target: 'truncateBi' }], onError: toFailed }),
      ...abortable,
    },
    truncateBi: {
      ...stepState({ stepId: 'truncateBi', stateId: 'truncateBi', kb: 'OFFLINE-2', description: 'Truncate the before-image file (proutil -C truncate bi)', onDone: [{ target: 'jobsCheck' }], onError: toFailed }),
      ...abortable,
    },
    jobsCheck: {
      ...stepState({ stepId: 'jobsCheck', stateId: 'jobsCheck', kb: 'OFFLINE-3', description: 'Make sure no scheduled job is running against the database', onDone: [{ target: 'verifyNotInUseBefore' }], onError: toFailed }),
      ...abortable,
    },
    // From here to verifyNotInUseAfter nothing may touch the database (OFFLINE-3..5).
    verifyNotInUseBefore: {
      ...stepState({ stepId: 'verifyNotInUse', stateId: 'verifyNotInUseBefore', kb: 'OFFLINE-3', description: 'Prove the database is not in use before the AI switch and the copy', onDone: [{ target: 'aiSwitch' }], onError: toFailed }),
      ...abortable,
    },
    aiSwitch: {
      ...stepState({ stepId: 'aiSwitch', stateId: 'aiSwitch', kb: 'OFFLINE-4', description: 'Switch to a new AI extent so the copy is not in the middle of an AI file (rfutil -C aimage new)', onDone: [{ target: 'copyFiles' }], onError: toFailed }),
      ...abortable,
    },
    copyFiles: {
      ...stepState({ stepId: 'copyFiles', stateId: 'copyFiles', kb: 'OFFLINE-5', description: 'Copy every database file, AI files included', onDone: [{ target: 'verifyNotInUseAfter' }], onError: toFailed }),
      ...abortable,
    },
    verifyNotInUseAfter: {
      ...stepState({ stepId: 'verifyNotInUse', stateId: 'verifyNotInUseAfter', kb: 'OFFLINE-5', description: 'Prove nothing opened the database while it was copied', onDone: [{ target: 'verifyCopy' }], onError: toFailed }),
      ...abortable,
    },
    verifyCopy: {
      ...stepState({ stepId: 'verifyCopy', stateId: 'verifyCopy', kb: 'OFFLINE-5', description: 'Verify the copy is complete against its manifest', onDone: [{ target: 'markBackedup' }], onError: toFailed }),
      ...abortable,
    },
    markBackedup: {
      ...stepState({
        stepId: 'markBackedup', stateId: 'markBackedup', kb: 'OFFLINE-6', description: 'Mark the database as backed up (rfutil -C mark backedup)',
        onDone: [{ target: 'restart', guard: 'restartWanted' }, { target: 'recordBackup' }],
        onError: toFailed,
      }),
      ...abortable,
    },
    restart: {
      ...stepState({ stepId: 'restart', stateId: 'restart', kb: 'OFFLINE-7', description: 'Restart the database server (proserve)', onDone: [{ target: 'recordBackup' }], onError: toFailed }),
      ...abortable,
    },
    recordBackup: {
      ...stepState({ stepId: 'recordBackup', stateId: 'recordBackup', kb: 'CATALOG', description: 'Record the backup and its paired AI sequence in the catalog', onDone: [{ target: 'completed' }], onError: toFailed }),
      ...abortable,
    },
    aborted: {
      description: 'Aborted by signal or operator; the database may be left shut down. RESUME starts over.',
      meta: { kb: 'ABORT', status: 'aborted' },
      on: { RESUME: { target: 'preflight' } },
    },
    completed: { type: 'final', description: 'Backup taken, verified and recorded', meta: { kb: 'END' } },
    failed: { type: 'final', description: 'A step failed; context.failure says which and why', meta: { kb: 'END' } },
  },
});
