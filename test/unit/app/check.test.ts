// The monitoring verdict: which findings are WARNING or CRITICAL, the plugin line and its perfdata.
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, human, judge, prometheusText, statusLine } from '../../../src/app/check.js';
import type { DbStatus } from '../../../src/app/db-status.js';

const healthy: DbStatus = {
  db: '/db/sports',
  section: 'sports',
  lastBackup: {
    backupId: 'bk-1',
    kind: 'online',
    completedAt: '2026-12-01T01:00:00Z',
    ageSeconds: 3600,
    bytes: 5000,
    durationSeconds: 12,
    quietSeconds: 0.7,
    pairedAiSeq: 4,
    destination: '/b/sports/bk-1',
  },
  ai: {
    archive: null,
    filesSince: null,
    lastSeq: null,
    provable: null,
    problems: [],
    extents: { empty: 3, full: 0, busySeq: 5 },
  },
  openRuns: [],
  lastDrill: null,
  quietPoint: null,
};

describe('judge', () => {
  it('is OK for a fresh backup, nothing open and free AI extents', () => {
    const v = judge(healthy, DEFAULT_THRESHOLDS);
    expect(v.status).toBe(0);
    expect(statusLine([v]).line).toBe(
      'OEFLOW OK - sports: ok | sports_backup_age=3600s;93600;180000;0 sports_open_runs=0;;0;0 sports_backup_size=5000B;;;0 sports_ai_empty_extents=3;;;0 sports_quiet_point_age=0s;;300;0',
    );
  });

  it.each([
    { change: { lastBackup: null }, status: 2, reason: 'no backup' },
    {
      change: { lastBackup: { ...healthy.lastBackup!, ageSeconds: 30 * 3600 } },
      status: 1,
      reason: 'last backup 1d6h old',
    },
    {
      change: { lastBackup: { ...healthy.lastBackup!, ageSeconds: 60 * 3600 } },
      status: 2,
      reason: 'last backup 2d12h old',
    },
    {
      change: {
        openRuns: [{ runId: 'run-x', status: 'interrupted', state: 'copyFiles', next: 'oeflow resume run-x' }],
      },
      status: 2,
      reason: 'run run-x interrupted in copyFiles',
    },
    {
      change: { openRuns: [{ runId: 'run-y', status: 'running', state: 'copyFiles', next: 'wait' }] },
      status: 0,
      reason: undefined,
    },
    {
      change: { ai: { ...healthy.ai, extents: { empty: 1, full: 2, busySeq: 5 } } },
      status: 1,
      reason: 'one EMPTY AI extent left',
    },
    {
      change: { ai: { ...healthy.ai, extents: { empty: 0, full: 3, busySeq: 5 } } },
      status: 2,
      reason: 'no EMPTY AI extent left',
    },
    {
      change: { ai: { ...healthy.ai, provable: false, problems: ['gap at 3'] } },
      status: 2,
      reason: 'AI chain not provable (gap at 3)',
    },
    // a quiet point no oeflow run holds (left by a script, a killed run whose guard could not disable it)
    {
      change: { quietPoint: { since: '2026-12-01T02:00:00Z', ageSeconds: 90 } },
      status: 2,
      reason: 'quiet point up for 1m30s and no oeflow run holds it: writes wait (proquiet /db/sports disable)',
    },
    // inside a running backup's window: fine, until it outlasts max-quiet
    {
      change: {
        quietPoint: { since: '2026-12-01T02:00:00Z', ageSeconds: 2 },
        openRuns: [{ runId: 'run-y', status: 'running', state: 'quiesced.copyFiles', next: 'wait' }],
      },
      status: 0,
      reason: undefined,
    },
    {
      change: {
        quietPoint: { since: '2026-12-01T02:00:00Z', ageSeconds: 400 },
        openRuns: [{ runId: 'run-y', status: 'running', state: 'quiesced.copyFiles', next: 'wait' }],
      },
      status: 2,
      reason: 'quiet point up for 6m40s',
    },
  ])('$reason → $status', ({ change, status, reason }) => {
    const v = judge({ ...healthy, ...change }, DEFAULT_THRESHOLDS);
    expect(v.status).toBe(status);
    if (reason) expect(v.reasons).toContain(reason);
  });

  it('checks drills only when a drill threshold is set', () => {
    expect(judge(healthy, DEFAULT_THRESHOLDS).status).toBe(0);
    expect(judge(healthy, { ...DEFAULT_THRESHOLDS, drillAgeWarningS: 7 * 86400 }).reasons).toEqual(['no drill']);
  });

  it('reports the worst status of all databases, UNKNOWN when there is none', () => {
    const crit = judge({ ...healthy, db: '/db/f', section: 'finance', lastBackup: null }, DEFAULT_THRESHOLDS);
    expect(statusLine([judge(healthy, DEFAULT_THRESHOLDS), crit]).status).toBe(2);
    expect(statusLine([]).status).toBe(3);
  });

  it('writes Prometheus metrics', () => {
    const text = prometheusText([healthy], [judge(healthy, DEFAULT_THRESHOLDS)]);
    expect(text).toContain('oeflow_check_status{db="/db/sports",name="sports"} 0');
    expect(text).toContain('oeflow_last_backup_age_seconds{db="/db/sports"} 3600');
    expect(text).toContain('oeflow_quiet_point_seconds{db="/db/sports"} 0');
  });

  it('prints durations for people', () => {
    expect([human(0), human(59), human(90), human(7200), human(200000)]).toEqual(['0s', '59s', '1m30s', '2h', '2d7h']);
  });
});
