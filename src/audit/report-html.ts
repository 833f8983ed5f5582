// Exportable evidence report of one run, in one printable HTML file: both verdicts in the
// headline (integrity and outcome, never merged), who ran what where, the run's events
// (crash, resume, takeover, decision), the step timeline with message texts and each exit
// code's reading, and the state chart with the path, the failed step and the events marked.
import { toSvg } from '../diagram/svg.js';
import { eventLabel } from '../diagram/model.js';
import type { collectEvidence } from './evidence.js';
import { messageTexts } from './run-evidence.js';
import { stepLabel } from './outcome.js';
import { verificationLines } from './verification-lines.js';
import type { Verification } from './verify.js';

export type Evidence = ReturnType<typeof collectEvidence>;

export const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const mark = (ok: boolean) => (ok ? '<b class="ok">✔</b>' : '<b class="bad">✖</b>');

/** Colour class of an outcome: green only for a completed run. */
export function outcomeClass(verdict: string): string {
  return verdict === 'COMPLETED' ? 'ok' : verdict === 'FAILED' ? 'bad' : 'warn';
}

/** A4 print stylesheet shared by the run evidence and the period report: the chart gets a landscape page of its own. */
export const PRINT_CSS = `body{font-family:system-ui,sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top;font-size:.9em}
.ok{color:#1b5e20}.bad{color:#b71c1c}.warn{color:#e65100}code{font-size:.85em}.headline{padding:.4em .6em;border-left:.5em solid}.headline.ok{border-color:#2e7d32}.headline.bad{border-color:#c62828;background:#fdecea}.headline.warn{border-color:#ef6c00;background:#fff3e0}
.chart svg{width:100%;height:auto}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}dd{margin:0}
@page{size:A4;margin:12mm}@page chart{size:A4 landscape;margin:8mm}
@media print{body{margin:0;max-width:none;font-size:10pt}.chart{page:chart;break-before:page}.chart svg{max-height:185mm}tr{break-inside:avoid}h2{break-after:avoid}}`;

const value = (v: unknown): string =>
  v === null || v === undefined ? '<i>not recorded</i>' : esc(typeof v === 'string' ? v : JSON.stringify(v));

function factsHtml(e: Evidence, shippedIn: readonly string[]): string {
  const f = e.facts;
  const q = f.quietWindow;
  const rows: [string, string][] = [
    ['host / pid', `${esc(f.host)} / ${f.pid}`],
    ['OS user', value(f.osUser)],
    [
      'oeflow version',
      f.oeflowVersion !== null
        ? esc(f.oeflowVersion)
        : `<i>not recorded</i>${shippedIn.length ? `; the definition it ran under shipped in oeflow ${esc(shippedIn.join(', '))}` : ''}`,
    ],
    ['definition', `${esc(f.machineId)} <code>${esc(f.definitionHash)}</code>`],
    ['DLC version', value(f.dlcVersion)],
    ['database', `<code>${esc(f.db)}</code>`],
    ['database identity', value(f.backup?.dbIdentity)],
    ['backup id', value(f.backup?.backupId)],
    ['paired AI sequence', value(f.backup?.pairedAiSeq)],
    ['copy manifest digest', value(f.backup?.manifestDigest)],
    [
      'quiet point',
      q
        ? `enabled ${esc(q.enabledAt)} → disabled ${q.disabledAt ? esc(q.disabledAt) : '<b class="bad">not disabled</b>'}${q.durationMs !== null ? ` (${q.durationMs} ms)` : ''}`
        : '<i>none</i>',
    ],
  ];
  const applied = f.aiFilesApplied
    .map(
      (a, i) =>
        `<tr><td>${i + 1}</td><td><code>${esc(a.file)}</code></td><td>${value(a.aiSeq)}</td><td><code>${value(a.sha256)}</code></td><td>${value(a.bytes)}</td><td>${esc(a.stepKey)} #${a.attempt} ${esc(a.outcome)}${a.retry ? ' (retry)' : ''}</td></tr>`,
    )
    .join('\n');
  const aiTable = applied
    ? `<h3>AI files applied (${f.aiFilesApplied.length})</h3>\n<table class="ai-files"><tr><th>#</th><th>file</th><th>AI sequence</th><th>sha256</th><th>bytes</th><th>step</th></tr>\n${applied}\n</table>`
    : f.machineId === 'roll-forward'
      ? '<h3>AI files applied (0)</h3>\n<p>No AI file was rolled forward.</p>'
      : '';
  const stepFacts = Object.entries(f.facts)
    .map(([step, facts]) => `<tr><td>${esc(step)}</td><td><code>${esc(JSON.stringify(facts))}</code></td></tr>`)
    .join('\n');
  return `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
${aiTable}
<h3>What each step recorded (copy manifest, sequences)</h3>
<table><tr><th>step</th><th>facts</th></tr>
${stepFacts}
</table>`;
}

/** One self-contained HTML document proving (or not) that the run's steps ran in order, and saying how it ended. */
export function evidenceHtml(v: Verification, e: Evidence): string {
  const svg = toSvg(e.machine, { highlight: e.highlight });
  const failedKey = v.outcome.failedAt?.state.split('.').pop();
  const steps = e.timeline
    .map((t) => {
      const failed = t.outcome === 'error' && t.stepKey.split('#')[0] === failedKey;
      return `<tr${failed ? ' class="bad"' : ''}><td>${esc(t.startedAt ?? '')}</td><td><b>${esc(t.kb)}</b> ${esc(t.stepKey)}<br><small>${esc(t.title)}</small></td><td>${t.attempt}</td><td>${failed ? '<b>✖ error</b>' : esc(t.outcome)}</td><td>${t.durationMs ?? ''}</td><td>${t.commands
        .map(
          (c) =>
            `<code>${esc(c.argv.join(' '))}</code> → <b>${esc(c.reading)}</b>${messageTexts(c)
              .map((m) => `<br><small>${esc(m)}</small>`)
              .join('')}`,
        )
        .join('<br>')}${
        t.decision
          ? `<br><b>operator decision:</b> ${esc(t.decision.as)} by ${esc(t.decision.operator)} at ${esc(t.decision.at)}: ${esc(t.decision.reason)}`
          : ''
      }</td></tr>`;
    })
    .join('\n');
  const events = e.events
    .map(
      (x) =>
        `<tr><td>${esc(x.at)}</td><td><b>${esc(x.kind)}</b></td><td>${esc(x.state)}</td><td>${esc(x.text)}</td></tr>`,
    )
    .join('\n');
  const transitions = v.replay.transitions
    .map(
      (t) =>
        `<tr><td>${t.seq}</td><td>${esc(t.at)}</td><td>${esc(readableEvent(t.event))}</td><td>${esc(t.state)}</td><td>${mark(t.ok)}</td></tr>`,
    )
    .join('\n');
  const cls = outcomeClass(v.outcome.verdict);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oeflow evidence ${esc(v.runId)}</title>
<style>${PRINT_CSS}</style></head>
<body>
<h1 class="headline ${cls}" data-outcome="${esc(v.outcome.verdict)}" data-integrity="${esc(v.integrity.verdict)}">Run ${esc(v.runId)}: ${esc(v.headline)}</h1>
<p>Integrity: <b class="${v.integrity.verdict === 'PROVEN' ? 'ok' : 'bad'}">${esc(v.integrity.verdict)}</b> (${v.integrity.authenticated ? 'signed, authenticated' : v.integrity.signed ? 'signed, not checked against a key you passed' : 'unsigned'}).
Outcome: <b class="${cls}">${esc(v.outcome.summary)}</b>${v.outcome.failedAt ? ` — ${esc(v.outcome.failedAt.title)}` : ''}.</p>
<p>Procedure <b>${esc(v.machineId)}</b> on <code>${esc(e.facts.db)}</code>.</p>
<h2>Checks</h2>
<ul>
${verificationLines(v)
  .map(([ok, text]) => `<li>${mark(ok)} ${esc(text)}</li>`)
  .join('\n')}
</ul>
<h2>What this does not prove</h2>
<ul>
${v.limits.map((l) => `<li>${esc(l)}</li>`).join('\n')}
</ul>
<h2>Who, where, what</h2>
${factsHtml(e, v.definition.shippedIn)}
<h2>Events (crash, resume, lock takeover, decision)</h2>
${events ? `<table><tr><th>at</th><th>event</th><th>state</th><th>what</th></tr>\n${events}\n</table>` : '<p>None: the run ran in one process, without a crash, takeover or operator decision.</p>'}
<h2>Steps</h2>
<table><tr><th>start</th><th>step</th><th>attempt</th><th>outcome</th><th>ms</th><th>commands → exit (reading) and messages</th></tr>
${steps}
</table>
<h2>Transitions</h2>
<table><tr><th>seq</th><th>at</th><th>event</th><th>state</th><th>replayed</th></tr>
${transitions}
</table>
<section class="chart">
<h2>State chart${v.outcome.failedAt ? ` (failed at ${esc(stepLabel(v.outcome.failedAt))})` : ''}</h2>
${svg}
</section>
</body></html>
`;
}

/** `xstate.done.actor.copyFiles` → `copyFiles done`: the table names the step, not xstate's event. */
export function readableEvent(type: string): string {
  const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (m) return `${m[2]} ${eventLabel(type)}`;
  return type === 'xstate.init' ? 'start' : type;
}
