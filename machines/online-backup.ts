// ONLINE — online OS backup under a quiet point (docs/procedure.md ONLINE-1..4).
// Every way out of a raised quiet point passes a quietDisable state: success, a failed
// step, an abort and the --max-quiet watchdog each have their own, so the journal and
// the diagram say why the quiet point was released. Pure: the engine provide()s `step`.
import { assign, setup } from 'xstate';
import type { ProcedureContext, StateMeta } from './contract.js';
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

const toFailed = [{ target: 'failed' }] as const;
// What each state holds (meta.holds): abandon refuses, and a resume re-checks, while a quiet point may be up.
const raisingQuietPoint = { condition: 'quiet-point', phase: 'entering' } as const;
const releasingQuietPoint = { condition: 'quiet-point', phase: 'leaving' } as const;
// A half-done enable must be undone too; quietDisable is idempotent (rc 7: not enabled).
const toDisableAfterFailure = [{ target: '#online-backup.quietDisableAfterFailure' }] as const;

export const onlineBackupMachine = setup({
  types: procedureTypes,
  actors: { step: stepPlaceholder },
  guards: {
    /** ONLINE-2 runs only when the operator gave a snapshot command. */
    snapshotWanted: ({ context }) => (context.input.snapshotCmd ?? '') !== '',
    /** prepareCopy found that the database's file system clones (issue 14). */
    cloneChosen: ({ context }) => context.facts['prepareCopy']?.['copyMethod'] === 'clone',
    /** A crash cut the clone's transfer: the clone is dropped and a new one taken under a new quiet point. */
    cloneInterrupted: ({ event }) => (event as { error?: { code?: string } }).error?.code === 'OEF-308',
    /** quietEnable was refused by an invariant: no quiet point of ours exists to disable. */
    refusedWithoutEnabling: ({ event }) => (event as { error?: { kind?: string } }).error?.kind === 'invariant',
  },
  actions: {
    recordFacts,
    recordFailure,
    recordCompensationFailure,
    recordRestart,
    recordInDoubt,
    clearInDoubt,
    /** The watchdog stopped the copy: the run fails with OEF-060 once the quiet point is released. */
    recordTimeout: assign((_args, params: { reason: string }): Partial<ProcedureContext> => ({
      failure: { kind: 'failed', code: 'OEF-060', message: params.reason },
    })),
  },
}).createMachine({
  id: 'online-backup',
  context: initialContext,
  initial: 'preflight',
  states: withDecisionStates({
    preflight: {
      ...stepState({
        stepId: 'preflight',
        stateId: 'preflight',
        kb: 'PRE',
        description: 'Check the database is served, AI is enabled and the destination is usable',
        onDone: [{ target: 'prepareCopy' }],
        onError: toFailed,
      }),
      on: { ABORT: { target: 'aborted' } },
    },
    prepareCopy: {
      ...stepState({
        stepId: 'prepareCopy',
        stateId: 'prepareCopy',
        kb: 'ONLINE-3',
        description:
          'Before the quiet point: list the files (prostrct list), choose clone or copy (a real clone probe), remove leftover clones',
        onDone: [{ target: 'quietEnable' }],
        onError: toFailed,
      }),
      on: { ABORT: { target: 'aborted' } },
    },
    quietEnable: {
      ...stepState({
        stepId: 'quietEnable',
        stateId: 'quietEnable',
        canBeInDoubt: true,
        kb: 'ONLINE-1',
        description: 'Raise a quiet point, which also switches AI extents (proquiet enable)',
        holds: raisingQuietPoint,
        onDone: [
          { target: 'quiesced.snapshot', guard: 'snapshotWanted' },
          { target: 'quiesced.cloneFiles', guard: 'cloneChosen' },
          { target: 'quiesced.copyFiles' },
        ],
        // refused before/without enabling (precheck, or someone else's quiet point): nothing to disable
        onError: [{ target: 'failed', guard: 'refusedWithoutEnabling' }, ...toDisableAfterFailure],
      }),
      // resume found the quiet point asked for here already released: ask for a new one
      on: {
        ABORT: { target: 'quietDisableAfterAbort' },
        WORLD_CHANGED: {
          target: 'preflight',
          actions: { type: 'recordRestart', params: ({ event }) => ({ reason: event.reason }) },
        },
      },
    },
    quiesced: {
      description: 'The quiet point is held: nothing is written to the database files until ONLINE-4',
      meta: { kb: 'ONLINE-1', holds: 'quiet-point', holdPhase: 'held' } satisfies StateMeta,
      initial: 'copyFiles',
      on: {
        ABORT: { target: 'quietDisableAfterAbort' },
        WATCHDOG: {
          target: 'quietDisableAfterTimeout',
          actions: { type: 'recordTimeout', params: ({ event }) => ({ reason: event.reason }) },
        },
        // resume found the quiet point no longer this run's: the copy is invalid, start over
        WORLD_CHANGED: {
          target: 'preflight',
          actions: { type: 'recordRestart', params: ({ event }) => ({ reason: event.reason }) },
        },
      },
      states: {
        snapshot: stepState({
          stepId: 'snapshot',
          stateId: 'snapshot',
          kb: 'ONLINE-2',
          description: 'Split the mirrors or take the storage snapshot',
          onDone: [{ target: 'copyFiles' }],
          onError: toDisableAfterFailure,
        }),
        cloneFiles: stepState({
          stepId: 'cloneFiles',
          stateId: 'cloneFiles',
          kb: 'ONLINE-3',
          description: 'Clone every database file, AI files included, into the staging directory (copy-on-write)',
          onDone: [{ target: '#online-backup.quietDisable' }],
          onError: toDisableAfterFailure,
        }),
        copyFiles: stepState({
          stepId: 'copyFiles',
          stateId: 'copyFiles',
          kb: 'ONLINE-3',
          description: 'Copy every database file, AI files included',
          onDone: [{ target: '#online-backup.quietDisable' }],
          onError: toDisableAfterFailure,
        }),
      },
    },
    // The four disable states ignore ABORT: the disable finishes first, then the run stops.
    quietDisable: stepState({
      stepId: 'quietDisable',
      stateId: 'quietDisable',
      kb: 'ONLINE-4',
      description: 'Disable the quiet point (proquiet disable)',
      holds: releasingQuietPoint,
      onDone: [{ target: 'confirmQuietPoint' }],
      onError: toFailed,
    }),
    quietDisableAfterFailure: compensationState({
      stepId: 'quietDisable',
      stateId: 'quietDisableAfterFailure',
      kb: 'ONLINE-4',
      description: 'A step failed under the quiet point: disable it before failing',
      holds: releasingQuietPoint,
      onDone: toFailed,
      onError: toFailed,
    }),
    quietDisableAfterAbort: compensationState({
      stepId: 'quietDisable',
      stateId: 'quietDisableAfterAbort',
      kb: 'ONLINE-4',
      description: 'Aborted under the quiet point: disable it before stopping',
      holds: releasingQuietPoint,
      onDone: [{ target: 'aborted' }],
      onError: toFailed,
    }),
    quietDisableAfterTimeout: compensationState({
      stepId: 'quietDisable',
      stateId: 'quietDisableAfterTimeout',
      kb: 'ONLINE-4',
      description: 'The quiet point was held longer than --max-quiet: disable it, then fail',
      holds: releasingQuietPoint,
      onDone: toFailed,
      onError: toFailed,
    }),
    confirmQuietPoint: {
      ...stepState({
        stepId: 'confirmQuietPoint',
        stateId: 'confirmQuietPoint',
        kb: 'ONLINE-4',
        description:
          'After the disable: read the AI sequence the quiet point made BUSY, check the file list still holds',
        onDone: [{ target: 'transferClone', guard: 'cloneChosen' }, { target: 'verifyCopy' }],
        onError: toFailed,
      }),
      on: { ABORT: { target: 'aborted' } },
    },
    transferClone: {
      ...stepState({
        stepId: 'transferClone',
        stateId: 'transferClone',
        canBeInDoubt: true,
        kb: 'ONLINE-3',
        description: 'Copy the clone to the destination (sha256 while copying), then remove it',
        onDone: [{ target: 'verifyCopy' }],
        onError: [{ target: 'prepareCopy', guard: 'cloneInterrupted' }, ...toFailed],
      }),
      on: { ABORT: { target: 'aborted' } },
    },
    verifyCopy: {
      ...stepState({
        stepId: 'verifyCopy',
        stateId: 'verifyCopy',
        kb: 'ONLINE-3',
        description: 'Verify the copy is complete against its manifest',
        onDone: [{ target: 'recordBackup' }],
        onError: toFailed,
      }),
      on: { ABORT: { target: 'aborted' } },
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
      on: { ABORT: { target: 'aborted' } },
    },
    aborted: {
      description: 'Aborted by signal or operator, quiet point released. RESUME starts over.',
      meta: { kb: 'ABORT', status: 'aborted' },
      on: { RESUME: { target: 'preflight' } },
    },
    completed: { type: 'final', description: 'Backup taken, verified and recorded', meta: { kb: 'END' } },
    failed: {
      type: 'final',
      description: 'A step failed or the quiet point timed out; context.failure says which',
      meta: { kb: 'END' },
    },
  }),
});
