// `oeflow check`: judge each database's status in the Nagios/Icinga plugin convention
// (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; one status line with performance data), and the
// same as Prometheus textfile metrics (docs/operations.md).
import type { DbStatus } from './db-status.js';
import { humanSeconds } from '../cli/duration.js';

export const CheckStatus = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;
export type CheckStatusValue = (typeof CheckStatus)[keyof typeof CheckStatus];
const NAMES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

export interface Thresholds {
  backupAgeWarningS: number;
  backupAgeCriticalS: number;
  /** WARNING when the last drill is older, missing or failed; undefined: drills are not checked. */
  drillAgeWarningS?: number | undefined;
  /** CRITICAL when a quiet point has been up longer, even under a running oeflow run (the database's max-quiet). */
  quietPointCriticalS: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  backupAgeWarningS: 26 * 3600,
  backupAgeCriticalS: 50 * 3600,
  quietPointCriticalS: 5 * 60, // oeflow's default --max-quiet
};

export interface DbVerdict {
  db: string;
  name: string;
  status: CheckStatusValue;
  reasons: string[];
  perfdata: string[];
}

const label = (s: DbStatus) => s.section ?? s.db.split('/').pop() ?? s.db;

/** The verdict for one database. */
export function judge(s: DbStatus, t: Thresholds): DbVerdict {
  const name = label(s);
  const reasons: { status: CheckStatusValue; text: string }[] = [];
  const add = (status: CheckStatusValue, text: string) => reasons.push({ status, text });
  if (!s.lastBackup) add(CheckStatus.critical, 'no backup');
  else if (s.lastBackup.ageSeconds > t.backupAgeCriticalS)
    add(CheckStatus.critical, `last backup ${human(s.lastBackup.ageSeconds)} old`);
  else if (s.lastBackup.ageSeconds > t.backupAgeWarningS)
    add(CheckStatus.warning, `last backup ${human(s.lastBackup.ageSeconds)} old`);
  for (const r of s.openRuns) {
    if (r.status !== 'running') add(CheckStatus.critical, `run ${r.runId} ${r.status} in ${r.state}`);
  }
  // a quiet point freezes every write: fine inside a running backup's window, never left behind
  if (s.quietPoint) {
    const held = `quiet point up for ${human(s.quietPoint.ageSeconds)}`;
    if (!s.openRuns.some((r) => r.status === 'running'))
      add(CheckStatus.critical, `${held} and no oeflow run holds it: writes wait (proquiet ${s.db} disable)`);
    else if (s.quietPoint.ageSeconds > t.quietPointCriticalS) add(CheckStatus.critical, held);
  }
  if (s.ai.extents && s.ai.extents.empty === 0) add(CheckStatus.critical, 'no EMPTY AI extent left');
  else if (s.ai.extents && s.ai.extents.empty === 1) add(CheckStatus.warning, 'one EMPTY AI extent left');
  if (s.ai.provable === false)
    add(CheckStatus.critical, `AI chain not provable (${s.ai.problems[0] ?? 'see oeflow info'})`);
  if (t.drillAgeWarningS !== undefined) {
    if (!s.lastDrill) add(CheckStatus.warning, 'no drill');
    else if (s.lastDrill.status !== 'passed') add(CheckStatus.warning, `last drill ${s.lastDrill.status}`);
    else if (s.lastDrill.ageSeconds > t.drillAgeWarningS)
      add(CheckStatus.warning, `last drill ${human(s.lastDrill.ageSeconds)} old`);
  }
  const status = reasons.reduce<CheckStatusValue>((worst, r) => (r.status > worst ? r.status : worst), CheckStatus.ok);
  const p = name.replace(/[^A-Za-z0-9_]/g, '_');
  const perfdata = [
    `${p}_backup_age=${s.lastBackup ? s.lastBackup.ageSeconds : ''}s;${t.backupAgeWarningS};${t.backupAgeCriticalS};0`,
    `${p}_open_runs=${s.openRuns.filter((r) => r.status !== 'running').length};;0;0`,
    ...(s.lastBackup?.bytes != null ? [`${p}_backup_size=${s.lastBackup.bytes}B;;;0`] : []),
    ...(s.ai.extents ? [`${p}_ai_empty_extents=${s.ai.extents.empty};;;0`] : []),
    `${p}_quiet_point_age=${s.quietPoint ? s.quietPoint.ageSeconds : 0}s;;${t.quietPointCriticalS};0`,
  ];
  return { db: s.db, name, status, reasons: reasons.sort((a, b) => b.status - a.status).map((r) => r.text), perfdata };
}

/** The one plugin output line for all databases checked. */
export function statusLine(verdicts: readonly DbVerdict[]): { status: CheckStatusValue; line: string } {
  const status = verdicts.reduce<CheckStatusValue>(
    (w, v) => (v.status > w ? v.status : w),
    verdicts.length === 0 ? CheckStatus.unknown : CheckStatus.ok,
  );
  const summary =
    verdicts.length === 0
      ? 'no database to check'
      : verdicts.map((v) => `${v.name}: ${v.reasons.length ? v.reasons.join(', ') : 'ok'}`).join('; ');
  return {
    status,
    line: `OEFLOW ${NAMES[status]} - ${summary} | ${verdicts.flatMap((v) => v.perfdata).join(' ')}`.trimEnd(),
  };
}

/** Prometheus textfile-collector metrics for the same verdicts. */
export function prometheusText(statuses: readonly DbStatus[], verdicts: readonly DbVerdict[]): string {
  const lines = [
    '# HELP oeflow_check_status Nagios-style status of the database (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).',
    '# TYPE oeflow_check_status gauge',
    ...verdicts.map((v) => `oeflow_check_status{db="${v.db}",name="${v.name}"} ${v.status}`),
    '# HELP oeflow_last_backup_age_seconds Age of the last good backup.',
    '# TYPE oeflow_last_backup_age_seconds gauge',
    ...statuses
      .filter((s) => s.lastBackup)
      .map((s) => `oeflow_last_backup_age_seconds{db="${s.db}"} ${s.lastBackup!.ageSeconds}`),
    '# HELP oeflow_last_backup_bytes Size of the last good backup.',
    '# TYPE oeflow_last_backup_bytes gauge',
    ...statuses
      .filter((s) => s.lastBackup?.bytes != null)
      .map((s) => `oeflow_last_backup_bytes{db="${s.db}"} ${s.lastBackup!.bytes}`),
    '# HELP oeflow_open_runs Runs that are interrupted, aborted, halted or waiting for a decision.',
    '# TYPE oeflow_open_runs gauge',
    ...statuses.map((s) => `oeflow_open_runs{db="${s.db}"} ${s.openRuns.filter((r) => r.status !== 'running').length}`),
    '# HELP oeflow_ai_chain_provable 1 when the archived AI files chain from the last backup to the live database.',
    '# TYPE oeflow_ai_chain_provable gauge',
    ...statuses
      .filter((s) => s.ai.provable !== null)
      .map((s) => `oeflow_ai_chain_provable{db="${s.db}"} ${s.ai.provable ? 1 : 0}`),
    '# HELP oeflow_quiet_point_seconds How long a quiet point has been up on the database (0: none); writes wait meanwhile.',
    '# TYPE oeflow_quiet_point_seconds gauge',
    ...statuses.map((s) => `oeflow_quiet_point_seconds{db="${s.db}"} ${s.quietPoint ? s.quietPoint.ageSeconds : 0}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** 90 → "1m30s", 7200 → "2h", 200000 → "2d7h" (the one formatter, src/cli/duration.ts). */
export const human = humanSeconds;
