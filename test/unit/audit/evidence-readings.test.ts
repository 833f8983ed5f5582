// How the evidence reads exit codes and the journal's non-step events.
import { describe, expect, it } from 'vitest';
import { exitReading } from '../../../src/audit/exit-reading.js';
import { runEvents } from '../../../src/audit/run-events.js';
import { decodeJournal, type JournalRow } from '../../../src/store/index.js';

const row = (seq: number, kind: JournalRow['kind'], data: unknown, extra: Partial<JournalRow> = {}): JournalRow => ({
  runId: 'r-1',
  seq,
  at: `2026-01-01T00:00:0${seq}.000Z`,
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

describe('exitReading', () => {
  it('reads a documented busy code as expected when the step succeeded on it', () => {
    expect(exitReading(['proutil', '/db/x', '-C', 'busy'], 6, null, 'preflight', true)).toBe(
      '6: in use — expected by preflight (the step succeeded)',
    );
    expect(exitReading(['proutil', '/db/x', '-C', 'busy'], 0, null, 'verifyNotInUse', true)).toBe('0: not in use');
    expect(exitReading(['proutil', '/db/x', '-C', 'holder'], 16, null, 'verifyNotInUse', false)).toBe(
      '16: open in multi-user mode — verifyNotInUse failed (see the failure)',
    );
  });

  it('gives undocumented codes no meaning and names signals', () => {
    expect(exitReading(['rfutil', '/db/x', '-C', 'aimage', 'new'], 1, null, 'aiSwitch', false)).toBe(
      '1 — aiSwitch failed (see the failure)',
    );
    expect(exitReading(['probkup'], null, 'SIGKILL', 'copyFiles', false)).toBe('killed by SIGKILL');
    expect(exitReading(['proquiet'], 0, null, 'quietEnable', true)).toBe('0: ok');
  });
});

describe('runEvents', () => {
  it("shows a crash before the takeover of the dead process's lock, then the resume", () => {
    const events = runEvents(
      decodeJournal([
        row(1, 'run-started', {}),
        row(2, 'transition', { to: 'aiSwitch' }),
        row(3, 'lock-takeover', { previous: { runId: 'r-1', host: 'h', pid: 7 } }),
        row(4, 'note', { resumedBy: { host: 'h', pid: 8 }, fromStatus: 'running', retry: false }),
      ]),
    );
    expect(events.map((e) => [e.kind, e.state, e.seq])).toEqual([
      ['crash', 'aiSwitch', 3],
      ['lock-takeover', 'aiSwitch', 3],
      ['resume', 'aiSwitch', 4],
    ]);
    expect(events[0]!.at).toBe('2026-01-01T00:00:02.000Z'); // the last row before the silence
  });

  it('shows no crash for an aborted run that is resumed, and records decisions', () => {
    const events = runEvents(
      decodeJournal([
        row(1, 'run-started', {}),
        row(2, 'transition', { to: 'aborted' }),
        row(3, 'note', { resumedBy: { host: 'h', pid: 8 }, fromStatus: 'aborted' }),
        row(
          4,
          'decision',
          { outcome: 'decided-done', output: { decision: { as: 'done', reason: 'checked', operator: 'ann' } } },
          { stepKey: 'copyFiles', attempt: 1 },
        ),
      ]),
    );
    expect(events.map((e) => e.kind)).toEqual(['resume', 'decision']);
    expect(events[1]!.text).toBe('operator decided copyFiles attempt 1 done (ann: checked)');
  });
});
