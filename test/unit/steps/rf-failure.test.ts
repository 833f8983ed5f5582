// How a roll forward's error exit is reported (src/steps/rf-failure.ts): the code and the next action.
import { describe, expect, it } from 'vitest';
import { rollForwardFailure } from '../../../src/steps/rf-failure.js';
import type { ToolResult } from '../../../src/openedge/types.js';

const result = (messages: [number, string][]): ToolResult => ({
  utility: 'rfutil',
  argv: ['/t/sports', '-C', 'roll', 'forward', 'retry', '-a', '/ai/sports.a2'],
  exitCode: 1,
  signal: null,
  durationMs: 10,
  stdout: messages.map(([n, t]) => `${t} (${n})`).join('\n'),
  stderr: '',
  messages: messages.map(([number, text]) => ({ number, text })),
  startedAt: new Date(0).toISOString(),
  cancelled: false,
});

describe('rollForwardFailure', () => {
  it('refuses any further roll forward with OEF-214 and a new restore as the next action when rfutil says 4554', () => {
    const f = rollForwardFailure({
      runId: 'run-1',
      file: '/ai/sports.a2',
      retry: true,
      result: result([[4554, 'rlaiextrd: Transaction table mismatch ptran: 0 note 1.']]),
      summary: 'rlaiextrd: Transaction table mismatch ptran: 0 note 1. (4554)',
    });
    expect(f).toMatchObject({ kind: 'rf-error', code: 'OEF-214' });
    expect(f.message).toMatch(
      /roll forward retry of \/ai\/sports\.a2 refused: .*\(4554\): an earlier roll forward with -i/,
    );
    expect(f.hint).toMatch(/Restore the copy again/);
  });

  it('keeps 9333 resumable with retry (OEF-216) and any other error an operator decision (OEF-053)', () => {
    const common = { runId: 'run-1', file: '/ai/sports.a2', retry: false, summary: '' };
    expect(
      rollForwardFailure({ ...common, result: result([[9333, 'Incomplete ai file detected, expected 4, got 2.']]) })
        .code,
    ).toBe('OEF-216');
    expect(
      rollForwardFailure({
        ...common,
        result: result([[8019, 'Expected ai file number 3 but file specified is 2 in sequence.']]),
      }).code,
    ).toBe('OEF-053');
  });
});
