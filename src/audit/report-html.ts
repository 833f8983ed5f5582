// Exportable evidence report: the verification verdict, the step timeline with commands
// and exit codes, and the state chart with the run's path highlighted, in one HTML file.
import type { AnyStateMachine } from 'xstate';
import { toSvg } from '../diagram/svg.js';
import { verificationLines } from './verification-lines.js';
import type { Verification } from './verify.js';

export interface TimelineEntry {
  stepKey: string;
  attempt: number;
  outcome: string;
  startedAt: string | null;
  durationMs: number | null;
  commands: { argv: string[]; exitCode: number | null; signal: string | null }[];
  decision?: { as: string; reason: string; operator: string; at: string };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const mark = (ok: boolean) => (ok ? '<b class="ok">✔</b>' : '<b class="bad">✖</b>');

/** One self-contained HTML document proving (or not) that the run's steps ran in order. */
export function evidenceHtml(v: Verification, machine: AnyStateMachine, timeline: TimelineEntry[], db: string): string {
  const current = v.replay.transitions.at(-1)?.state;
  const svg = toSvg(machine, { highlight: { visited: v.visited, ...(current ? { current } : {}) } });
  const steps = timeline.map((t) => `<tr><td>${esc(t.startedAt ?? '')}</td><td>${esc(t.stepKey)}</td><td>${t.attempt}</td><td>${esc(t.outcome)}</td><td>${t.durationMs ?? ''}</td><td>${t.commands
    .map((c) => `<code>${esc(c.argv.join(' '))}</code> → ${esc(String(c.signal ?? c.exitCode))}`).join('<br>')}${t.decision
    ? `<br><b>operator decision:</b> ${esc(t.decision.as)} by ${esc(t.decision.operator)} at ${esc(t.decision.at)}: ${esc(t.decision.reason)}` : ''}</td></tr>`).join('\n');
  const transitions = v.replay.transitions.map((t) => `<tr><td>${t.seq}</td><td>${esc(t.at)}</td><td>${esc(t.event)}</td><td>${esc(t.state)}</td><td>${mark(t.ok)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oeflow evidence ${esc(v.runId)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top;font-size:.9em}.ok{color:#080}.bad{color:#b00}code{font-size:.85em}</style></head>
<body>
<h1>Run ${esc(v.runId)}: ${v.verdict === 'proven' ? '<span class="ok">PROVEN</span>' : '<span class="bad">NOT PROVEN</span>'}${v.authenticated ? ' <span class="ok">(authenticated)</span>' : ''}</h1>
<p>Procedure <b>${esc(v.machineId)}</b> on <code>${esc(db)}</code>, status <b>${esc(v.status)}</b>.</p>
<ul>
${verificationLines(v).map(([ok, text]) => `<li>${mark(ok)} ${esc(text)}</li>`).join('\n')}
</ul>
<h2>What this does not prove</h2>
<ul>
${v.limits.map((l) => `<li>${esc(l)}</li>`).join('\n')}
</ul>
<h2>State chart (path highlighted)</h2>
${svg}
<h2>Steps</h2>
<table><tr><th>start</th><th>step</th><th>attempt</th><th>outcome</th><th>ms</th><th>commands → exit</th></tr>
${steps}
</table>
<h2>Transitions</h2>
<table><tr><th>seq</th><th>at</th><th>event</th><th>state</th><th>replayed</th></tr>
${transitions}
</table>
</body></html>
`;
}
