import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, transition } from 'xstate';
import { rollForwardMachine } from '../../machines/roll-forward.js';
import type { ProcedureContext, ProcedureInput, StepInput, StepOutput } from '../../machines/contract.js';
import { runHappy, sharedBehaviour } from './common.js';
import { edges, pathStates, simplePaths } from './graph.js';

const input: ProcedureInput = {
  procedure: 'roll-forward',
  db: '/db/sports',
  targetDb: '/restore/sports',
  aiFiles: ['a1', 'a2'],
  replication: 'source',
};
const paths = simplePaths(rollForwardMachine, input);
const rfStates = new Set(['rollForward', 'rollForwardRetry']);

describe('rollForwardMachine', () => {
  sharedBehaviour(rollForwardMachine, 'roll-forward.ts', input);

  it('runs RF-1..5 once per AI file with loop-keyed steps when every step succeeds', async () => {
    const run = await runHappy(rollForwardMachine, input);
    expect(run.value).toBe('completed');
    expect(run.keys).toEqual([
      'preflight',
      'restoreCopy',
      'repairStructure',
      'disableReplication',
      'aiSequence',
      'rollForward#0',
      'rollForward#1',
    ]);
    expect(run.context.aiIndex).toBe(2);
    expect(run.context.rollForwardStarted).toBe(true);
  });

  it('skips RF-3 and RF-5 when there is no replication and no AI file', async () => {
    const run = await runHappy(rollForwardMachine, {
      procedure: 'roll-forward',
      db: '/db/sports',
      aiFiles: [],
      replication: null,
    });
    expect(run.keys).toEqual(['preflight', 'restoreCopy', 'repairStructure', 'aiSequence']);
    expect(run.value).toBe('completed');
  });

  it('never reaches aiSequence when any path has begun a roll forward', () => {
    let withRf = 0;
    for (const path of paths) {
      const states = pathStates(path);
      const first = states.findIndex((s) => rfStates.has(s));
      if (first < 0) continue;
      withRf++;
      expect(states.slice(first)).not.toContain('aiSequence');
    }
    expect(withRf).toBeGreaterThan(20);
  });

  it('refuses RF-4 with OEF-210 when the context says a roll forward already started', () => {
    const snapshot = rollForwardMachine.resolveState({
      value: 'repairStructure',
      context: {
        input: { ...input, replication: null },
        facts: {},
        aiIndex: 1,
        rollForwardStarted: true,
        failure: null,
      },
    });
    // the done event is not among the declared ProcedureEvents, hence the cast
    const [next] = transition(rollForwardMachine, snapshot, {
      type: 'xstate.done.actor.repairStructure',
      output: { facts: {} },
    } as never);
    expect(next.value).toBe('failed');
    expect(next.context.failure?.code).toBe('OEF-210');
  });

  it('retries the same file when a roll forward was interrupted', () => {
    const p = paths.find(
      (x) => x.steps.at(-1)!.state.value === 'rollForwardRetry' && pathStates(x).at(-2) === 'rollForward',
    );
    expect(p).toBeDefined();
    const before = p!.steps.at(-2)!.state.context as ProcedureContext;
    const after = p!.state.context as ProcedureContext;
    expect(after.failure?.kind).toBe('interrupted');
    expect(after.aiIndex).toBe(before.aiIndex);
  });

  it('halts resumably and continues with retry when rfutil exits with an error and RETRY arrives', () => {
    const halted = rollForwardMachine.root.states.rollForwardHalted!;
    expect(halted.meta).toEqual({ kb: 'RF-5r', status: 'halted' });
    const p = paths.find((x) => pathStates(x).slice(-3).join(' ') === 'rollForward rollForwardHalted rollForwardRetry');
    expect(p).toBeDefined();
    expect(p!.steps.at(-1)!.event.type).toBe('RETRY');
  });

  it('resumes at the same file, with retry only if it needs one, when aborted during the roll forward', () => {
    const resumes = edges(rollForwardMachine, input).filter(
      (e) => e.from === 'abortedDuringRollForward' && e.event === 'RESUME',
    );
    expect(resumes.length).toBeGreaterThan(2);
    for (const e of resumes) {
      const needsRetry = e.fromContext.failure !== null;
      expect({ to: e.to, aiIndex: e.toContext.aiIndex }).toEqual({
        to: needsRetry ? 'rollForwardRetry' : 'rollForward',
        aiIndex: e.fromContext.aiIndex,
      });
    }
    expect(new Set(resumes.map((e) => e.to))).toEqual(new Set(['rollForward', 'rollForwardRetry']));
  });

  it('restarts the restore at preflight when aborted before any roll forward', () => {
    const all = edges(rollForwardMachine, input);
    const aborts = all.filter((e) => e.event === 'ABORT' && e.to === 'aborted');
    expect(new Set(aborts.map((e) => e.from))).toEqual(
      new Set([
        'preflight',
        'restoreCopy',
        'repairStructure',
        'disableReplication',
        'disableReplicationAwaitingDecision',
        'aiSequence',
        'aiSequenceAwaitingDecision',
      ]),
    );
    const resumes = all.filter((e) => e.from === 'aborted' && e.event === 'RESUME');
    expect(resumes.map((e) => e.to)).toEqual(['preflight']);
  });

  it('passes the stepKey rollForward#<aiIndex> to the step actor when RF-5 is entered', async () => {
    const seen: StepInput[] = [];
    const step = fromPromise<StepOutput, StepInput>(async ({ input: i }) => {
      seen.push(i);
      if (i.stepId === 'rollForward' && i.context.aiIndex === 1) {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- like the engine's step actor, the fake rejects with a plain StepFailure
        throw { kind: 'interrupted', code: 'OEF-213', message: 'crash' };
      }
      return { facts: {} };
    });
    const actor = createActor(rollForwardMachine.provide({ actors: { step } }), { input }).start();
    await new Promise<void>((resolve) =>
      actor.subscribe((s) => {
        if (s.status === 'done') resolve();
      }),
    );
    expect(seen.map((s) => s.stepKey).slice(-3)).toEqual(['rollForward#0', 'rollForward#1', 'rollForwardRetry#1']);
    expect(actor.getSnapshot().value).toBe('completed');
  });
});
