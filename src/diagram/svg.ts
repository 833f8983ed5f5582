// A small SVG renderer for machines, for hosts without Graphviz: the main path (first
// `done` edge from each state) runs down one column; every other state sits to the
// right, level with the middle of the states that lead to it; compound states are
// frames around their children. Deterministic, so the generated files can be diffed.
import type { AnyStateMachine } from 'xstate';
import { diagramModel, visitedNames, type DiagramEdge, type DiagramModel, type DiagramNode, type Highlight } from './model.js';

const BOX_W = 210;
const BOX_H = 44;
const COL_GAP = 300;
const ROW_GAP = 96;
const MARGIN = 60;
const PAD = 16;

interface Box { x: number; y: number; w: number; h: number }

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r = (n: number): number => Math.round(n);

/** Leaves in the order a reader meets them: the main path first, then breadth-first. */
function placeLeaves(model: DiagramModel): Map<string, { row: number; col: number }> {
  const leaves = model.nodes.filter((n) => n.kind !== 'compound');
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const leafOf = (name: string): string => {
    const n = byName.get(name);
    return n && n.kind === 'compound' && n.initial ? leafOf(n.initial) : name;
  };
  const ancestorsOf = (name: string): string[] => {
    const out: string[] = [];
    for (let p = byName.get(name)?.parent ?? null; p !== null; p = byName.get(p)?.parent ?? null) out.push(p);
    return out;
  };
  const outgoing = (name: string) => model.edges.filter((e) => e.from === name || ancestorsOf(name).includes(e.from));

  const place = new Map<string, { row: number; col: number }>();
  const main: string[] = [];
  for (let at: string | undefined = leafOf(model.initial); at !== undefined && !main.includes(at); ) {
    main.push(at);
    const next: DiagramEdge | undefined = outgoing(at).find((e) => e.label.startsWith('done'));
    at = next ? leafOf(next.to) : undefined;
  }
  main.forEach((name, row) => place.set(name, { row, col: 0 }));

  const taken = new Set<string>(main.map((_n, row) => `${row}:0`));
  const queue = [...main];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const e of outgoing(name)) {
      const to = leafOf(e.to);
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
    if (place.has(name)) continue;
    const fromRows = leaves
      .filter((l) => place.has(l.name) && outgoing(l.name).some((e) => leafOf(e.to) === name))
      .map((l) => place.get(l.name)!.row)
      .sort((a, b) => a - b);
    let row = fromRows.length > 0 ? fromRows[Math.floor((fromRows.length - 1) / 2)]! : main.length;
    let col = 1;
    while (taken.has(`${row}:${col}`)) {
      col++;
      if (col > 3) { col = 1; row++; }
    }
    taken.add(`${row}:${col}`);
    place.set(name, { row, col });
  }
  return place;
}

/** Point where the segment from a box's centre towards (tx, ty) leaves the box. */
function border(b: Box, tx: number, ty: number): [number, number] {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const dx = tx - cx;
  const dy = ty - cy;
  if (dx === 0 && dy === 0) return [cx, cy];
  const s = Math.min(dx === 0 ? Infinity : b.w / 2 / Math.abs(dx), dy === 0 ? Infinity : b.h / 2 / Math.abs(dy));
  return [cx + dx * s, cy + dy * s];
}

/** SVG picture of the machine; `highlight` fills visited states and outlines the current one. */
export function toSvg(machine: AnyStateMachine, options: { highlight?: Highlight } = {}): string {
  const model = diagramModel(machine);
  const place = placeLeaves(model);
  const boxes = new Map<string, Box>();
  for (const [name, p] of place) boxes.set(name, { x: MARGIN + p.col * COL_GAP, y: MARGIN + p.row * ROW_GAP, w: BOX_W, h: BOX_H });
  // compound frames, innermost first so outer frames can enclose inner ones
  const compounds = model.nodes.filter((n) => n.kind === 'compound').reverse();
  for (const c of compounds) {
    const inside = [...boxes].filter(([name]) => name.startsWith(`${c.name}.`)).map(([, b]) => b);
    if (inside.length === 0) continue;
    const x = Math.min(...inside.map((b) => b.x)) - PAD;
    const y = Math.min(...inside.map((b) => b.y)) - PAD - 14;
    const w = Math.max(...inside.map((b) => b.x + b.w)) + PAD - x;
    const h = Math.max(...inside.map((b) => b.y + b.h)) + PAD - y;
    boxes.set(c.name, { x, y, w, h });
  }
  const width = Math.max(...[...boxes.values()].map((b) => b.x + b.w)) + MARGIN * 2;
  const height = Math.max(...[...boxes.values()].map((b) => b.y + b.h)) + MARGIN;
  const visited = visitedNames(options.highlight);
  const current = options.highlight?.current;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r(width)}" height="${r(height)}" viewBox="0 0 ${r(width)} ${r(height)}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${esc(model.machineId)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    '<rect width="100%" height="100%" fill="#ffffff"/>',
  ];
  const fillOf = (n: DiagramNode): string => (n.name === current ? '#ffe8b3' : visited.has(n.name) ? '#d8f0dc' : n.kind === 'compound' ? '#f7f9fc' : '#ffffff');
  const strokeOf = (n: DiagramNode): string => (n.name === current ? '#e65100' : visited.has(n.name) ? '#2e7d32' : '#37474f');
  for (const c of compounds.slice().reverse()) {
    const b = boxes.get(c.name);
    if (!b) continue;
    out.push(`<rect x="${r(b.x)}" y="${r(b.y)}" width="${r(b.w)}" height="${r(b.h)}" rx="12" fill="${fillOf(c)}" stroke="${strokeOf(c)}" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${r(b.x + 10)}" y="${r(b.y + 16)}" font-size="12" font-weight="bold" fill="#37474f">${esc(`${c.key} · ${c.kb}`)}</text>`);
  }
  // initial marker
  const first = boxes.get([...place.keys()][0]!)!;
  out.push(`<circle cx="${r(first.x + first.w / 2)}" cy="${r(first.y - 30)}" r="6" fill="#37474f"/>`);
  out.push(`<line x1="${r(first.x + first.w / 2)}" y1="${r(first.y - 24)}" x2="${r(first.x + first.w / 2)}" y2="${r(first.y)}" stroke="#555" marker-end="url(#arrow)"/>`);
  for (const e of model.edges) {
    const a = boxes.get(e.from);
    const b = boxes.get(e.to);
    if (!a || !b) continue;
    out.push(edgeSvg(a, b, e.label, place.get(e.from), place.get(e.to)));
  }
  for (const n of model.nodes.filter((x) => x.kind !== 'compound')) {
    const b = boxes.get(n.name)!;
    const dash = n.status !== null ? ' stroke-dasharray="4 3"' : '';
    const width = n.name === current ? 3 : 1.5;
    out.push(`<rect x="${r(b.x)}" y="${r(b.y)}" width="${b.w}" height="${b.h}" rx="${n.kind === 'final' ? 22 : 8}" fill="${fillOf(n)}" stroke="${strokeOf(n)}" stroke-width="${width}"${dash}/>`);
    if (n.kind === 'final') out.push(`<rect x="${r(b.x + 4)}" y="${r(b.y + 4)}" width="${b.w - 8}" height="${b.h - 8}" rx="18" fill="none" stroke="${strokeOf(n)}"/>`);
    out.push(`<text x="${r(b.x + b.w / 2)}" y="${r(b.y + 19)}" font-size="13" text-anchor="middle" fill="#1a1a1a">${esc(n.key)}</text>`);
    out.push(`<text x="${r(b.x + b.w / 2)}" y="${r(b.y + 35)}" font-size="10" text-anchor="middle" fill="#607d8b">${esc(n.status ? `${n.kb} · ${n.status}` : n.kb)}</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One transition: a straight line, a bow for same-column skips, a loop for self transitions. */
function edgeSvg(a: Box, b: Box, label: string, pa?: { row: number; col: number }, pb?: { row: number; col: number }): string {
  const text = (x: number, y: number): string =>
    `<text x="${r(x)}" y="${r(y)}" font-size="10" text-anchor="middle" fill="#37474f" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(label)}</text>`;
  if (a === b) {
    const x = a.x + a.w;
    const y = a.y + a.h / 2;
    return `<path d="M${r(x)},${r(y - 10)} C${r(x + 50)},${r(y - 40)} ${r(x + 50)},${r(y + 40)} ${r(x)},${r(y + 10)}" fill="none" stroke="#555" marker-end="url(#arrow)"/>\n${text(x + 44, y + 4)}`;
  }
  const ac: [number, number] = [a.x + a.w / 2, a.y + a.h / 2];
  const bc: [number, number] = [b.x + b.w / 2, b.y + b.h / 2];
  if (pa && pb && pa.col === pb.col && Math.abs(pa.row - pb.row) > 1) {
    // bow out to the left so the line does not cross the states in between
    const bow = 50 + 12 * Math.abs(pa.row - pb.row);
    const [x1, y1] = [a.x, ac[1]];
    const [x2, y2] = [b.x, bc[1]];
    const cx = Math.min(x1, x2) - bow;
    return `<path d="M${r(x1)},${r(y1)} Q${r(cx)},${r((y1 + y2) / 2)} ${r(x2)},${r(y2)}" fill="none" stroke="#555" marker-end="url(#arrow)"/>\n${text((x1 + cx) / 2, (y1 + y2) / 2)}`;
  }
  const [x1, y1] = border(a, bc[0], bc[1]);
  const [x2, y2] = border(b, ac[0], ac[1]);
  return `<line x1="${r(x1)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" stroke="#555" marker-end="url(#arrow)"/>\n${text((x1 + x2) / 2, (y1 + y2) / 2 - 3)}`;
}
