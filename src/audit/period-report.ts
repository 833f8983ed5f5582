// The auditor's view of a period ("every backup of Q3, in order, with evidence"): every run
// started in it with both verdicts, the backups taken, the restores and drills with their
// RTO/RPO, the days the policy asked for a good backup and got none, and how much of the
// period the store log and the checkpoints handed out cover. Signed when a key is configured.
import type { KeyObject } from 'node:crypto';
import { canonicalJson, decodeAttempt, entriesOf, type Store } from '../store/index.js';
import { aiFilesApplied, type AppliedAiFile } from './ai-files-applied.js';
import { dlcVersionOf } from './run-evidence.js';
import { type CheckpointVerification } from './checkpoint.js';
import { OEFLOW_VERSION } from '../version.js';
import { PRINT_CSS, esc } from './report-html.js';
import type { DocumentSignature, DocumentSigner } from './signing.js';
import { verifyRun } from './verify.js';

export const REPORT_FORMAT = 'oeflow-period-report-v1';

export interface ReportRun {
  runId: string;
  machineId: string;
  kind: string;
  db: string;
  createdAt: string;
  endedAt: string | null;
  integrity: 'PROVEN' | 'NOT PROVEN';
  outcome: string;
  headline: string;
  /** The DLC release its preflight read (`$DLC/version`); null when not recorded. */
  dlcVersion: string | null;
  /** Its start is anchored in the store log (runs older than the log are not). */
  anchored: boolean;
  /** The checkpoints (files) whose verified history includes this run's start. */
  checkpoints: string[];
}

export interface PeriodReport {
  format: typeof REPORT_FORMAT;
  from: string;
  to: string;
  db: string | null;
  store: string;
  generatedAt: string;
  oeflowVersion: string;
  policy: { daily: boolean };
  runs: ReportRun[];
  backups: {
    backupId: string;
    db: string;
    kind: string;
    completedAt: string | null;
    pairedAiSeq: number;
    runId: string | null;
    integrity: string;
    destination: string;
  }[];
  restores: {
    runId: string;
    db: string;
    createdAt: string;
    integrity: string;
    outcome: string;
    drill: { status: string; rtoSeconds: number | null; rpoSeconds: number | null } | null;
    aiFilesApplied: AppliedAiFile[];
  }[];
  /** Days without a completed, proven backup, per database (with --daily). */
  gaps: { db: string; day: string }[];
  coverage: { runs: number; anchored: number; coveredByCheckpoint: number; checkpoints: CheckpointVerification[] };
  signature: DocumentSignature | null;
}

const DOMAIN = 'oeflow-period-report-v1';
const BACKUP_KINDS = new Set(['offline-backup', 'online-backup']);

/** Every UTC day from `from` to `to`, inclusive (YYYY-MM-DD). */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The report of [from, to] (UTC days, inclusive), optionally for one database. */
export function periodReport(
  store: Store,
  o: {
    from: string;
    to: string;
    db?: string;
    daily: boolean;
    trusted?: readonly KeyObject[];
    checkpoints: CheckpointVerification[];
    sign?: DocumentSigner;
    now?: Date;
  },
): PeriodReport {
  const inPeriod = (at: string | null): boolean => at !== null && at.slice(0, 10) >= o.from && at.slice(0, 10) <= o.to;
  const runRows = store
    .listRuns(o.db ? { db: o.db } : {})
    .filter((r) => inPeriod(r.createdAt))
    .reverse();
  const anchors = new Map<string, number>();
  for (const e of store.storeLog()) if (e.kind === 'run-started') anchors.set(e.runId, e.seq);
  const proven = new Map<string, boolean>();
  const runs: ReportRun[] = runRows.map((r) => {
    const v = verifyRun(store, r.runId, o.trusted);
    proven.set(r.runId, v.verdict === 'proven');
    const anchor = anchors.get(r.runId);
    return {
      runId: r.runId,
      machineId: r.machineId,
      kind: r.kind,
      db: r.db,
      createdAt: r.createdAt,
      endedAt: r.endedAt,
      integrity: v.integrity.verdict,
      outcome: v.outcome.summary,
      headline: v.headline,
      dlcVersion: dlcVersionOf(store.attempts(r.runId).map(decodeAttempt)),
      anchored: anchor !== undefined,
      checkpoints: anchor === undefined ? [] : o.checkpoints.filter((c) => c.ok && anchor <= c.size).map((c) => c.file),
    };
  });
  const integrityOf = (runId: string | null): string =>
    runId === null
      ? 'no run'
      : proven.get(runId) === undefined
        ? 'run outside the period'
        : proven.get(runId)
          ? 'PROVEN'
          : 'NOT PROVEN';
  const backups = store
    .listBackups(o.db ? { db: o.db } : {})
    .filter((b) => inPeriod(b.completedAt ?? b.startedAt))
    .reverse()
    .map((b) => ({
      backupId: b.backupId,
      db: b.db,
      kind: b.kind,
      completedAt: b.completedAt,
      pairedAiSeq: b.pairedAiSeq,
      runId: b.runId,
      integrity: integrityOf(b.runId),
      destination: b.destination,
    }));
  const inputs = new Map(runRows.map((r) => [r.runId, r.input]));
  const restores = runs
    .filter((r) => r.kind === 'restore')
    .map((r) => {
      const drill = entriesOf(store.entries(r.runId), 'note')
        .map((j) => j.data.drill)
        .find((d) => d !== null);
      return {
        runId: r.runId,
        db: r.db,
        createdAt: r.createdAt,
        integrity: r.integrity,
        outcome: r.outcome,
        drill: drill
          ? { status: drill.status ?? '?', rtoSeconds: drill.rtoSeconds, rpoSeconds: drill.rpoSeconds }
          : null,
        aiFilesApplied: aiFilesApplied(store.attempts(r.runId).map(decodeAttempt), inputs.get(r.runId)),
      };
    });
  // a good backup: a backup run that completed and whose journal is proven
  const good = runs.filter((r) => BACKUP_KINDS.has(r.kind) && r.integrity === 'PROVEN' && r.outcome === 'COMPLETED');
  const dbs = o.db ? [o.db] : [...new Set(runs.filter((r) => BACKUP_KINDS.has(r.kind)).map((r) => r.db))].sort();
  const gaps = o.daily
    ? dbs.flatMap((db) =>
        daysOf(o.from, o.to)
          .filter((day) => !good.some((r) => r.db === db && r.createdAt.slice(0, 10) === day))
          .map((day) => ({ db, day })),
      )
    : [];
  const body: Omit<PeriodReport, 'signature'> = {
    format: REPORT_FORMAT,
    from: o.from,
    to: o.to,
    db: o.db ?? null,
    store: store.path,
    generatedAt: (o.now ?? new Date()).toISOString(),
    oeflowVersion: OEFLOW_VERSION,
    policy: { daily: o.daily },
    runs,
    backups,
    restores,
    gaps,
    coverage: {
      runs: runs.length,
      anchored: runs.filter((r) => r.anchored).length,
      coveredByCheckpoint: runs.filter((r) => r.checkpoints.length > 0).length,
      checkpoints: o.checkpoints,
    },
  };
  return { ...body, signature: o.sign ? o.sign(DOMAIN, canonicalJson(body)) : null };
}

/** The report as one printable HTML page (A4). */
export function periodReportHtml(r: PeriodReport): string {
  const cls = (v: string): string =>
    v === 'PROVEN' || v === 'COMPLETED' ? 'ok' : v.startsWith('FAILED') || v === 'NOT PROVEN' ? 'bad' : 'warn';
  const secs = (s: number | null): string => (s === null ? '—' : `${s.toFixed(1)} s`);
  const runs = r.runs
    .map(
      (x) =>
        `<tr><td>${esc(x.createdAt)}</td><td><code>${esc(x.runId)}</code></td><td>${esc(x.kind)}</td><td><code>${esc(x.db)}</code></td><td class="${cls(x.integrity)}">${esc(x.integrity)}</td><td class="${cls(x.outcome.split(' ')[0]!)}">${esc(x.outcome)}</td><td>${x.dlcVersion ? esc(x.dlcVersion) : '<i>not recorded</i>'}</td><td>${x.anchored ? (x.checkpoints.length ? `checkpoint ${esc(x.checkpoints.map((f) => f.split('/').pop()!).join(', '))}` : 'store log') : '<b class="warn">not anchored</b>'}</td></tr>`,
    )
    .join('\n');
  const backups = r.backups
    .map(
      (b) =>
        `<tr><td>${esc(b.completedAt ?? '')}</td><td><code>${esc(b.backupId)}</code></td><td>${esc(b.kind)}</td><td><code>${esc(b.db)}</code></td><td>${b.pairedAiSeq}</td><td class="${cls(b.integrity)}">${esc(b.integrity)}</td></tr>`,
    )
    .join('\n');
  const restores = r.restores
    .map(
      (x) =>
        `<tr><td>${esc(x.createdAt)}</td><td><code>${esc(x.runId)}</code></td><td><code>${esc(x.db)}</code></td><td class="${cls(x.integrity)}">${esc(x.integrity)}</td><td>${esc(x.outcome)}</td><td>${x.drill ? `${esc(x.drill.status)}, RTO ${secs(x.drill.rtoSeconds)}, RPO ${secs(x.drill.rpoSeconds)}` : '—'}</td></tr>`,
    )
    .join('\n');
  const applied = r.restores
    .flatMap((x) =>
      x.aiFilesApplied.map(
        (a) =>
          `<tr><td><code>${esc(x.runId)}</code></td><td>${a.aiSeq ?? '?'}</td><td><code>${esc(a.file)}</code></td><td>${a.bytes ?? '?'}</td><td><code>${esc(a.sha256 ?? 'not recorded')}</code></td></tr>`,
      ),
    )
    .join('\n');
  const gaps = r.gaps
    .map((g) => `<li class="bad"><b>${esc(g.day)}</b>: no completed, proven backup of <code>${esc(g.db)}</code></li>`)
    .join('\n');
  const cps = r.coverage.checkpoints
    .map(
      (c) =>
        `<li class="${c.ok ? 'ok' : 'bad'}">${esc(c.file)} (${esc(c.at)}, ${c.size} entries, ${c.signature.signed ? `signed ${c.signature.ok ? 'and verified' : 'but NOT verified'}` : 'unsigned'}): ${c.ok ? 'nothing before it removed, cut or rewritten' : esc(c.problems.join('; '))}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oeflow report ${esc(r.from)} – ${esc(r.to)}</title><style>${PRINT_CSS}</style></head>
<body>
<h1>oeflow evidence report ${esc(r.from)} – ${esc(r.to)}${r.db ? ` for <code>${esc(r.db)}</code>` : ''}</h1>
<p>Store <code>${esc(r.store)}</code>, generated ${esc(r.generatedAt)} by oeflow ${esc(r.oeflowVersion)}. ${r.signature ? `Signed by key <code>${esc(r.signature.keyId)}</code> (signature over the JSON report: <code>oeflow report --json</code>).` : '<b class="warn">Not signed</b> (no signing key configured).'}</p>
<h2>Policy: ${r.policy.daily ? 'a completed, proven backup every day' : 'no daily policy'}</h2>
${r.policy.daily ? (gaps ? `<ul>\n${gaps}\n</ul>` : '<p class="ok">Every day of the period has a completed, proven backup of every database.</p>') : ''}
<h2>Runs (${r.runs.length})</h2>
<table><tr><th>started</th><th>run</th><th>procedure</th><th>database</th><th>integrity</th><th>outcome</th><th>DLC</th><th>anchored in</th></tr>
${runs}
</table>
<h2>Backups taken (${r.backups.length})</h2>
<table><tr><th>completed</th><th>backup</th><th>kind</th><th>database</th><th>paired AI seq</th><th>run integrity</th></tr>
${backups}
</table>
<h2>Restores and drills (${r.restores.length})</h2>
<table><tr><th>started</th><th>run</th><th>target</th><th>integrity</th><th>outcome</th><th>drill (RTO, RPO)</th></tr>
${restores}
</table>
<h2>AI files applied by the restores (${r.restores.reduce((n, x) => n + x.aiFilesApplied.length, 0)})</h2>
${applied ? `<table class="ai-files"><tr><th>run</th><th>AI sequence</th><th>file</th><th>bytes</th><th>sha256</th></tr>\n${applied}\n</table>` : '<p>None.</p>'}
<h2>Checkpoint coverage</h2>
<p>${r.coverage.anchored} of ${r.coverage.runs} runs anchored in the store log; ${r.coverage.coveredByCheckpoint} covered by a verified checkpoint you passed.</p>
${cps ? `<ul>\n${cps}\n</ul>` : '<p>No checkpoint was passed (<code>--checkpoint</code>): runs after the last checkpoint handed out could be removed without a trace.</p>'}
</body></html>
`;
}
