import { describe, expect, it } from 'vitest';
import { parseLg, rollForwardLogState } from '../../../src/openedge/parse-lg.js';
import { fixture } from './helpers.js';

describe('parseLg', () => {
  it('reads timestamp, process, tag and number when given a real-format line', () => {
    expect(parseLg('[2016/05/12@14:03:52.486+0400] P-1 T-1 I ABL 10: (452) Login by root on batch.')).toEqual([
      {
        at: '2016-05-12T14:03:52.486+04:00',
        epochMs: Date.parse('2016-05-12T10:03:52.486Z'),
        pid: 1,
        thread: 1,
        severity: 'I',
        tag: 'ABL 10',
        number: 452,
        text: 'Login by root on batch.',
      },
    ]);
  });

  it('gives number null when the line is unnumbered (-----)', () => {
    expect(
      parseLg('[2016/05/12@14:03:52.486+0400] P-2146 T-1 I SHUT 2146: (-----) User 7775 disconnect initiated')[0]
        ?.number,
    ).toBeNull();
  });
});

describe('rollForwardLogState', () => {
  it('marks completed, failed and in-progress files when given three roll-forward runs', () => {
    const s = rollForwardLogState(fixture('synthetic-rf.lg.txt'));
    expect(s.files).toEqual([
      { path: '/db/src.a2', begunAt: '2016-05-12T14:03:52.500+04:00', completed: true, failedWith: [] },
      {
        path: '/db/src.a3',
        begunAt: '2016-05-12T14:04:10.000+04:00',
        completed: false,
        failedWith: [8019, 833, 11014],
      },
      { path: '/db/src.a4', begunAt: '2016-05-12T14:05:00.000+04:00', completed: false, failedWith: [] },
    ]);
    expect(s.lastIncomplete).toBe(true);
  });

  it('ignores lines before `since` when a start time is given', () => {
    const s = rollForwardLogState(fixture('synthetic-rf.lg.txt'), '2016-05-12T10:04:05Z');
    expect(s.files.map((f) => f.path)).toEqual(['/db/src.a3', '/db/src.a4']);
  });

  it('reports nothing incomplete when the last file failed', () => {
    const text = fixture('synthetic-rf.lg.txt').split('\n').slice(0, 9).join('\n');
    expect(rollForwardLogState(text).lastIncomplete).toBe(false);
  });

  it('returns no files when the log has no roll forward', () => {
    expect(
      rollForwardLogState('[2016/05/12@14:03:52.486+0400] P-1 T-1 I BROKER  0: (333) Multi-user session begin.'),
    ).toEqual({ files: [], lastIncomplete: false });
  });
});

describe('rollForwardLogState failures', () => {
  const line = (t: string, sev: string, n: number, text: string): string =>
    `[2020/01/01@00:00:0${t}.000+0000] P-5 T-5 ${sev} RFUTI5: (${n}) ${text}`;

  it('marks a file failed when an incomplete-file error follows its trailer', () => {
    const s = rollForwardLogState(
      [
        line('1', 'I', 17047, '***Beginning processing of After-image extent /ai/x.a1'),
        line('2', 'I', 1634, '3 notes were processed.'),
        line('3', 'E', 9333, 'Incomplete ai file detected, expected 8, got 4.'),
      ].join('\n'),
    );
    expect(s.files[0]).toMatchObject({ completed: false, failedWith: [9333] });
  });

  it('counts an error-severity line with an unknown number as a failure', () => {
    const s = rollForwardLogState(
      [
        line('1', 'I', 17047, '***Beginning processing of After-image extent /ai/x.a1'),
        line('2', 'E', 90019, 'did not complete'),
      ].join('\n'),
    );
    expect(s.files[0]?.failedWith).toEqual([90019]);
    expect(s.lastIncomplete).toBe(false);
  });

  it('completes a file on the simulator completion line 90015', () => {
    const s = rollForwardLogState(
      [
        line('1', 'I', 17047, '***Beginning processing of After-image extent /ai/x.a1'),
        line('2', 'I', 90015, 'Completed roll forward of after-image extent /ai/x.a1.'),
      ].join('\n'),
    );
    expect(s.files[0]?.completed).toBe(true);
  });
});
