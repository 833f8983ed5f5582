// The one decoder of journal payloads: each row kind gets its typed record, and a field of the
// wrong type (a tampered or older row) decodes as null instead of being trusted.
import { describe, expect, it } from 'vitest';
import { aiFilesApplied } from '../../../src/audit/ai-files-applied.js';
import {
  closingOf,
  decodeAttempt,
  decodeJournalEntry,
  decodeStepFailure,
  type AttemptRow,
  type JournalRow,
} from '../../../src/store/index.js';

const row = (kind: JournalRow['kind'], data: unknown, extra: Partial<JournalRow> = {}): JournalRow => ({
  runId: 'r-1',
  seq: 1,
  at: '2026-01-01T00:00:00.000Z',
  kind,
  stepKey: null,
  attempt: null,
  data,
  prevHash: '',
  hash: '',
  sigKeyId: null,
  signature: null,
  ...extra,
});

const attempt = (stepKey: string, stepId: string, outcome: AttemptRow['outcome'], output: unknown): AttemptRow => ({
  runId: 'r-1',
  stepKey,
  attempt: 1,
  stepId,
  intentSeq: 1,
  intent: { at: '2026-01-01T00:00:00.000Z', probe: {} },
  resultSeq: 2,
  outcome,
  output,
  error: null,
});

describe('decodeJournalEntry', () => {
  it('types a command row, and decodes an argv that is not all strings as null', () => {
    const ok = decodeJournalEntry(
      row('command', {
        n: 1,
        argv: ['proutil', '/db/x', '-C', 'busy'],
        exitCode: 6,
        signal: null,
        messages: [{ number: 276, text: 'in use' }],
      }),
    );
    expect(ok.kind === 'command' && ok.data).toMatchObject({
      n: 1,
      argv: ['proutil', '/db/x', '-C', 'busy'],
      exitCode: 6,
      messages: [{ number: 276, text: 'in use' }],
    });
    const bad = decodeJournalEntry(row('command', { argv: ['proutil', 7], messages: [{ text: 'no number' }] }));
    expect(bad.kind === 'command' && [bad.data.argv, bad.data.messages]).toEqual([null, null]);
  });

  it('tells an abandon from an operator decision on an attempt', () => {
    const abandon = decodeJournalEntry(
      row('decision', { abandoned: true, reason: 'moved', operator: 'ann', at: 'x', state: 'aiSwitch' }),
    );
    expect(abandon.kind === 'decision' && abandon.data).toMatchObject({
      abandoned: true,
      operator: 'ann',
      state: 'aiSwitch',
    });
    expect(closingOf(abandon)).toBeNull();
    const decided = decodeJournalEntry(
      row('decision', {
        outcome: 'decided-done',
        output: { facts: {}, decision: { as: 'done', reason: 'checked', operator: 'bob', at: 'y' } },
      }),
    );
    expect(closingOf(decided)).toMatchObject({
      outcome: 'decided-done',
      output: { decision: { as: 'done', operator: 'bob' } },
    });
  });

  it("reads the oeflow version from run-started's input and an invalid outcome as null", () => {
    const started = decodeJournalEntry(
      row('run-started', {
        machineId: 'offline-backup',
        input: { db: '/db/x', oeflowVersion: '0.2.0' },
        pid: 'not a number',
      }),
    );
    expect(started.kind === 'run-started' && started.data).toMatchObject({
      machineId: 'offline-backup',
      oeflowVersion: '0.2.0',
      pid: null,
    });
    expect(closingOf(decodeJournalEntry(row('result', { outcome: 'maybe' })))?.outcome).toBeNull();
  });

  it('decodes a step failure only with a registered OEF code', () => {
    expect(decodeStepFailure({ kind: 'failed', code: 'OEF-050', message: 'boom' })).toEqual({
      kind: 'failed',
      code: 'OEF-050',
      message: 'boom',
    });
    expect(decodeStepFailure({ kind: 'failed', code: 'OEF-999', message: 'boom' })).toBeNull();
    expect(decodeAttempt(attempt('x', 'x', 'error', null)).intent.at).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('aiFilesApplied', () => {
  it("lists the files roll forward applied, in order, with sequence, sha256 and size; an operator's done names the planned file", () => {
    const attempts = [
      attempt('preflight', 'preflight', 'ok', { facts: { dlcVersion: 'OpenEdge Release 11.7.4' } }),
      attempt('rollForward#0', 'rollForward', 'ok', {
        facts: { file: '/ai/a1', index: 0, aiSeq: 5, sha256: 'aa', bytes: 100 },
      }),
      attempt('rollForward#1', 'rollForward', 'error', null),
      attempt('rollForwardRetry#1', 'rollForwardRetry', 'reconciled-done', {
        facts: { file: '/ai/a2', index: 1, aiSeq: 6, sha256: 'bb', bytes: 200, reconciled: true },
      }),
      attempt('rollForward#2', 'rollForward', 'decided-done', {
        facts: {},
        decision: { as: 'done', reason: 'r', operator: 'o', at: 'z' },
      }),
    ].map(decodeAttempt);
    expect(aiFilesApplied(attempts, { aiFiles: ['/ai/a1', '/ai/a2', '/ai/a3'] })).toEqual([
      {
        file: '/ai/a1',
        aiSeq: 5,
        sha256: 'aa',
        bytes: 100,
        stepKey: 'rollForward#0',
        attempt: 1,
        outcome: 'ok',
        retry: false,
      },
      {
        file: '/ai/a2',
        aiSeq: 6,
        sha256: 'bb',
        bytes: 200,
        stepKey: 'rollForwardRetry#1',
        attempt: 1,
        outcome: 'reconciled-done',
        retry: true,
      },
      {
        file: '/ai/a3',
        aiSeq: null,
        sha256: null,
        bytes: null,
        stepKey: 'rollForward#2',
        attempt: 1,
        outcome: 'decided-done',
        retry: false,
      },
    ]);
  });
});
