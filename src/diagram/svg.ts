// A small SVG renderer for machines, for hosts without Graphviz. The layout (layout.ts)
// puts the main path in the left column, side states in a second and the states a run
// ends or pauses in in a third; edges run orthogonally through lanes between the
// columns, edges with one target and event sharing a lane and a label. Every drawn
// transition carries `data-edge="from→to:label"`, every state box `data-state`.
// Deterministic, so the generated files can be diffed.
import type { AnyStateMachine } from 'xstate';
import { LABEL_SIZE, layout, textWidth, type Point, type Tone } from './layout.js';
import {
  MARKER_STYLE,
  diagramModel,
  visitedNames,
  type DiagramEdge,
  type DiagramNode,
  type Highlight,
  type StateMarker,
} from './model.js';

const TONES: Record<Tone, string> = {
  done: '#455a64',
  error: '#c62828',
  abort: '#8e24aa',
  watchdog: '#6d4c41',
  resume: '#1565c0',
};
const LEGEND: Record<Tone, string> = {
  done: 'done (step finished)',
  error: 'error (step failed or in doubt)',
  abort: 'ABORT',
  watchdog: 'WATCHDOG',
  resume: 'RESUME / RETRY / DECIDED',
};
const LEGEND_H = 34;
const FAILED_FILL = '#fde2e2';
const FAILED_STROKE = '#c62828';

const esc = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r = (n: number): number => Math.round(n);

/** The `data-edge` value naming a transition of the model. */
export const edgeRef = (e: DiagramEdge): string => `${e.from}→${e.to}:${e.label}`;

const pathOf = (points: Point[]): string => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(p.x)},${r(p.y)}`).join(' ');

/** SVG picture of the machine; `highlight` fills visited states and outlines the current one. */
const NAME_SIZE = 13;

/**
 * A state name wider than its box (an awaiting-decision state's: `restartAfterFailureAwaitingDecision`)
 * is drawn condensed to the box's width; Helvetica's mixed-case letters average about 0.55 em.
 */
function fitted(text: string, room: number): string {
  return text.length * 0.55 * NAME_SIZE > room ? ` textLength="${r(room)}" lengthAdjust="spacingAndGlyphs"` : '';
}

export function toSvg(machine: AnyStateMachine, options: { highlight?: Highlight } = {}): string {
  const model = diagramModel(machine);
  const lay = layout(model);
  const visited = visitedNames(options.highlight);
  const current = options.highlight?.current;
  const failed = options.highlight?.failed;
  const markers = options.highlight?.markers ?? [];
  const arrowHeads = (Object.keys(TONES) as Tone[]).map(
    (t) =>
      `<marker id="arrow-${t}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${TONES[t]}"/></marker>`,
  );
  // a run's chart gets a second legend row: what the fills and markers mean
  const height = lay.height + LEGEND_H + (options.highlight ? LEGEND_H : 0);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r(lay.width)}" height="${r(height)}" viewBox="0 0 ${r(lay.width)} ${r(height)}" style="max-width:100%;height:auto" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${esc(model.machineId)}</title>`,
    `<defs>${arrowHeads.join('')}</defs>`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
  ];
  const fillOf = (n: DiagramNode): string =>
    n.name === failed
      ? FAILED_FILL
      : n.name === current
        ? '#ffe8b3'
        : visited.has(n.name)
          ? '#d8f0dc'
          : n.kind === 'compound'
            ? '#f7f9fc'
            : '#ffffff';
  const strokeOf = (n: DiagramNode): string =>
    n.name === failed ? FAILED_STROKE : n.name === current ? '#e65100' : visited.has(n.name) ? '#2e7d32' : '#37474f';
  for (const c of model.nodes.filter((n) => n.kind === 'compound')) {
    const b = lay.boxes.get(c.name)!;
    out.push(
      `<rect data-frame="${esc(c.name)}" x="${r(b.x)}" y="${r(b.y)}" width="${r(b.w)}" height="${r(b.h)}" rx="12" fill="${fillOf(c)}" stroke="${strokeOf(c)}" stroke-dasharray="6 4"/>`,
    );
    out.push(
      `<text x="${r(b.x + 10)}" y="${r(b.y + 15)}" font-size="12" font-weight="bold" fill="#37474f">${esc(c.key)}</text>`,
    );
    out.push(
      `<text x="${r(b.x + b.w - 10)}" y="${r(b.y + 15)}" font-size="11" text-anchor="end" fill="#607d8b">${esc(c.kb)}</text>`,
    );
  }
  // initial marker
  const first = lay.boxes.get(lay.initial)!;
  const fx = r(first.x + first.w / 2);
  out.push(`<circle cx="${fx}" cy="${r(first.y - 30)}" r="6" fill="#37474f"/>`);
  out.push(
    `<line x1="${fx}" y1="${r(first.y - 24)}" x2="${fx}" y2="${r(first.y)}" stroke="${TONES.done}" marker-end="url(#arrow-done)"/>`,
  );
  for (const w of lay.wires) {
    out.push(
      `<path data-edge="${esc(edgeRef(w.edge))}" d="${pathOf(w.points)}" fill="none" stroke="${TONES[w.tone]}" stroke-width="1.3" marker-end="url(#arrow-${w.tone})"><title>${esc(`${w.edge.from} → ${w.edge.to}: ${w.edge.label}`)}</title></path>`,
    );
  }
  for (const d of lay.dots) out.push(`<circle cx="${r(d.x)}" cy="${r(d.y)}" r="3" fill="${TONES[d.tone]}"/>`);
  for (const l of lay.labels) {
    out.push(
      `<text data-label="${esc(l.edges.map(edgeRef).join(' | '))}" x="${r(l.x)}" y="${r(l.y)}" font-size="${LABEL_SIZE}" text-anchor="${l.anchor}" fill="${TONES[l.tone]}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(l.text)}</text>`,
    );
  }
  for (const n of model.nodes.filter((x) => x.kind !== 'compound')) {
    const b = lay.boxes.get(n.name)!;
    const dash = n.status !== null ? ' stroke-dasharray="4 3"' : '';
    const width = n.name === current || n.name === failed ? 3 : 1.5;
    const cy = b.y + b.h / 2;
    out.push(
      `<rect data-state="${esc(n.name)}" x="${r(b.x)}" y="${r(b.y)}" width="${r(b.w)}" height="${r(b.h)}" rx="${n.kind === 'final' ? 22 : 8}" fill="${fillOf(n)}" stroke="${strokeOf(n)}" stroke-width="${width}"${dash}/>`,
    );
    if (n.kind === 'final')
      out.push(
        `<rect x="${r(b.x + 4)}" y="${r(b.y + 4)}" width="${r(b.w - 8)}" height="${r(b.h - 8)}" rx="18" fill="none" stroke="${strokeOf(n)}"/>`,
      );
    out.push(
      `<text x="${r(b.x + b.w / 2)}" y="${r(cy - 3)}" font-size="${NAME_SIZE}" text-anchor="middle"${fitted(n.key, b.w - 12)} fill="#1a1a1a">${esc(n.key)}</text>`,
    );
    out.push(
      `<text x="${r(b.x + b.w / 2)}" y="${r(cy + 13)}" font-size="10" text-anchor="middle" fill="#607d8b">${esc(n.status ? `${n.kb} · ${n.status}` : n.kb)}</text>`,
    );
    if (n.name === failed)
      out.push(
        `<text data-failed="${esc(n.name)}" x="${r(b.x + 6)}" y="${r(b.y + 14)}" font-size="13" font-weight="bold" fill="${FAILED_STROKE}">✖</text>`,
      );
    // one lettered badge per event, along the top edge from the right
    markers
      .filter((m) => m.state === n.name)
      .forEach((m, i) => {
        const st = MARKER_STYLE[m.kind];
        const mx = r(b.x + b.w - 8 - i * 18);
        out.push(
          `<g data-marker="${m.kind}" data-marker-state="${esc(n.name)}"><title>${esc(m.text)}</title><circle cx="${mx}" cy="${r(b.y)}" r="8" fill="${st.colour}"/><text x="${mx}" y="${r(b.y + 4)}" font-size="11" font-weight="bold" text-anchor="middle" fill="#ffffff">${st.letter}</text></g>`,
        );
      });
  }
  // legend: the colours in use, and what a dot on a shared line means
  let lx = 40;
  const ly = r(lay.height + LEGEND_H / 2 - 6);
  for (const t of (Object.keys(TONES) as Tone[]).filter((k) => lay.wires.some((w) => w.tone === k))) {
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${TONES[t]}" stroke-width="1.3" marker-end="url(#arrow-${t})"/>`,
    );
    out.push(`<text x="${lx + 32}" y="${ly + 4}" font-size="11" fill="${TONES[t]}">${esc(LEGEND[t])}</text>`);
    lx += 32 + textWidth(LEGEND[t], 11) + 24;
  }
  if (lay.dots.length > 0) {
    out.push(`<circle cx="${lx + 4}" cy="${ly}" r="3" fill="${TONES.done}"/>`);
    out.push(
      `<text x="${lx + 12}" y="${ly + 4}" font-size="11" fill="#37474f">joins a shared line (one label per target)</text>`,
    );
  }
  if (options.highlight) out.push(...runLegend(r(lay.height + LEGEND_H + LEGEND_H / 2 - 6), Boolean(failed), markers));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The legend row of a run's chart: the fills (visited, current, failed) and the markers it uses. */
function runLegend(y: number, hasFailed: boolean, markers: StateMarker[]): string[] {
  const out: string[] = [];
  let x = 40;
  const swatch = (fill: string, stroke: string, text: string): void => {
    out.push(
      `<rect x="${x}" y="${y - 8}" width="22" height="14" rx="3" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`,
    );
    out.push(`<text x="${x + 28}" y="${y + 4}" font-size="11" fill="#37474f">${esc(text)}</text>`);
    x += 28 + textWidth(text, 11) + 24;
  };
  swatch('#d8f0dc', '#2e7d32', 'step passed through');
  swatch('#ffe8b3', '#e65100', 'where the run rests');
  if (hasFailed) swatch(FAILED_FILL, FAILED_STROKE, '✖ step that failed the run');
  for (const kind of [...new Set(markers.map((m) => m.kind))]) {
    const st = MARKER_STYLE[kind];
    out.push(
      `<circle cx="${x + 8}" cy="${y - 1}" r="8" fill="${st.colour}"/><text x="${x + 8}" y="${y + 3}" font-size="11" font-weight="bold" text-anchor="middle" fill="#ffffff">${st.letter}</text>`,
    );
    out.push(`<text x="${x + 22}" y="${y + 4}" font-size="11" fill="#37474f">${esc(st.legend.slice(2))}</text>`);
    x += 22 + textWidth(st.legend, 11) + 24;
  }
  return out;
}
