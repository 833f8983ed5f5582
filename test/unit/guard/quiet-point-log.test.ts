import { describe, expect, it } from 'vitest';
import { quietPointNow, quietPointOfRun } from '../../../src/guard/quiet-point-log.js';
import { sessionsBegunSince } from '../../../src/openedge/opened-since.js';

const line = (time: string, n: number, text: string, pid = 7) =>
  `[2026/12/01@${time}.000+0000] P-${pid} T-${pid} I QUIET   5: (${n}) ${text}`;
const at = (time: string) => Date.parse(`2026-12-01T${time}Z`);

describe('quietPointOfRun', () => {
  const enabled = line('10:00:01', 5583, 'Quiet point has been enabled by the broker.');
  const disabled = line('10:00:05', 5584, 'Quiet point has been disabled by the broker.');
  const othersEnabled = line('10:00:09', 5583, 'Quiet point has been enabled by the broker.', 9);

  it('says held when the first enable after the request has no disable after it', () => {
    expect(quietPointOfRun(enabled, at('10:00:00')).state).toBe('held');
  });

  it('says released when a disable follows, even if someone else enabled one later', () => {
    const r = quietPointOfRun([enabled, disabled, othersEnabled].join('\n'), at('10:00:00'));
    expect(r).toMatchObject({ state: 'released', how: 'disabled' });
  });

  it('ignores enables before the request and says never-enabled', () => {
    expect(quietPointOfRun(enabled, at('10:00:02')).state).toBe('never-enabled');
  });

  it('takes a broker restart as the end of the quiet point', () => {
    const restart = '[2026/12/01@10:00:07.000+0000] P-3 T-3 I BROKER  0: (333) Multi-user session begin.';
    expect(quietPointOfRun([enabled, restart].join('\n'), at('10:00:00'))).toMatchObject({
      state: 'released',
      how: 'broker restarted',
    });
  });
});

describe('sessionsBegunSince', () => {
  it('lists multi-user and single-user session begins after the time, not logins', () => {
    const lg = [
      '[2026/12/01@09:00:00.000+0000] P-3 T-3 I BROKER  0: (333) Multi-user session begin.',
      '[2026/12/01@10:00:03.000+0000] P-4 T-4 I ABL     5: (452) Login by root on batch.',
      '[2026/12/01@10:00:04.000+0000] P-5 T-5 I BROKER  0: (333) Multi-user session begin.',
    ].join('\n');
    expect(sessionsBegunSince(lg, at('10:00:00')).map((s) => s.text)).toEqual(['Multi-user session begin.']);
  });
});

describe('quietPointNow', () => {
  const enable = (time: string, pid = 7) => line(time, 5583, 'Quiet point has been enabled by the broker.', pid);
  const disable = (time: string) => line(time, 5584, 'Quiet point has been disabled by the broker.');
  const restart = '[2026/12/01@10:00:30.000+0000] P-3 T-3 I BROKER  0: (333) Multi-user session begin.';

  it('is the last enable with nothing ending it, whoever raised it', () => {
    expect(quietPointNow([enable('10:00:01'), disable('10:00:05'), enable('10:00:09', 9)].join('\n'))).toEqual({
      enabledAt: '2026-12-01T10:00:09.000+00:00',
      enabledAtMs: at('10:00:09'),
    });
  });

  it('is none when the last one was disabled, or the broker restarted after it, or none was ever enabled', () => {
    expect(quietPointNow([enable('10:00:01'), disable('10:00:05')].join('\n'))).toBeNull();
    expect(quietPointNow([enable('10:00:01'), restart].join('\n'))).toBeNull();
    expect(quietPointNow(restart)).toBeNull();
  });
});
