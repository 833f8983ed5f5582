// Grid layout and orthogonal routing for the SVG renderer. Columns: 0 the main path
// (first `done` from each state), 1 the side states (compensations, retries), 2 the
// states a run ends or pauses in (final, or `status: aborted`). Edges between
// neighbouring rows of a column are straight; all others leave a box sideways, run
// along a vertical lane in the gutter between columns and enter the target sideways.
// Edges with the same target, gutter and event share one lane ("bus") and one label,
// written at the target. Nothing but lanes lives in a gutter's lane band, and a
// horizontal only crosses a column at a row that column leaves empty, so no line
// passes through a box. Pure and deterministic.
import type { DiagramEdge, DiagramModel, DiagramNode } from './model.js';

export const BOX_W = 210;
const BOX_H = 44;
const MARGIN = 40;
const TOP = 36; // room for the initial marker
const ROW_GAP = 36;
const FRAME_PAD = 16;
const FRAME_HEAD = 18;
const LANE_SP = 14;
const LANE_PAD = 14;
const LABEL_PAD = 6;
const PORT_SP = 10; // between stubs
const PORT_SP_LABELLED = 16; // on a side with labelled entries: room for a label above each line
const STRAIGHT_SP = 36; // between parallel straight edges
const LABEL_LINE = 14; // between stacked labels of parallel straight edges
export const LABEL_SIZE = 10;

export type Tone = 'done' | 'error' | 'abort' | 'watchdog' | 'resume';
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Point {
  x: number;
  y: number;
}
export interface Wire {
  edge: DiagramEdge;
  points: Point[];
  tone: Tone;
}
export interface Label {
  x: number;
  y: number;
  anchor: 'start' | 'end';
  text: string;
  tone: Tone;
  edges: DiagramEdge[];
}
export interface Layout {
  width: number;
  height: number;
  /** Leaf boxes and compound frames by state name. */
  boxes: Map<string, Box>;
  wires: Wire[];
  labels: Label[];
  /** Where a stub joins a shared lane. */
  dots: Array<Point & { tone: Tone }>;
  initial: string;
}

/** Width of a label in px, estimated per character (Helvetica-like metrics). */
export function textWidth(text: string, size = LABEL_SIZE): number {
  let em = 0;
  for (const ch of text) em += /[A-Z]/.test(ch) ? 0.7 : /[a-z0-9]/.test(ch) ? 0.56 : ch === ' ' ? 0.28 : 0.36;
  return Math.ceil(em * size);
}

/** Colour family of a transition, from its event. */
export function toneOf(labels: string[]): Tone {
  const events = labels.map((l) => l.split(' ')[0]!);
  if (events.includes('ABORT')) return 'abort';
  if (events.includes('error')) return 'error';
  if (events.includes('WATCHDOG')) return 'watchdog';
  if (events.every((e) => e === 'done')) return 'done';
  return 'resume';
}

type Side = 'L' | 'R';
/** A line's end on a box side; `span` is the range of gutters its horizontal runs through. */
interface Port {
  node: string;
  side: Side;
  key: number;
  labelled: boolean;
  y: number;
  span: [number, number];
}
interface Bus {
  to: string;
  gutter: number;
  exit: Side;
  entry: Side;
  text: string;
  tone: Tone;
  sources: Array<{ from: string; edges: DiagramEdge[]; port: Port }>;
  target: Port;
  lane: number;
  /** Owns the entry line and the label (false: joins another bus's entry line). */
  primary: boolean;
}

export function layout(model: DiagramModel): Layout {
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
  const leaves = model.nodes.filter((n) => n.kind !== 'compound');
  const compounds = model.nodes.filter((n) => n.kind === 'compound');
  const leavesUnder = (name: string): DiagramNode[] =>
    leaves.filter((l) => l.name === name || l.name.startsWith(`${name}.`));
  const outgoing = (name: string): DiagramEdge[] =>
    model.edges.filter((e) => e.from === name || ancestorsOf(name).includes(e.from));

  // --- columns and rows -------------------------------------------------------------
  const main: string[] = [];
  for (let at: string | undefined = leafOf(model.initial); at !== undefined && !main.includes(at);) {
    main.push(at);
    const next: DiagramEdge | undefined = outgoing(at).find(
      (e) => e.label.startsWith('done') && !main.includes(leafOf(e.to)),
    );
    at = next ? leafOf(next.to) : undefined;
  }
  const col = new Map<string, number>();
  const row = new Map<string, number>();
  main.forEach((name, i) => {
    col.set(name, 0);
    row.set(name, i);
  });
  const resting = (n: DiagramNode): boolean => n.kind === 'final' || n.status === 'aborted';
  const others = leaves.filter((n) => !col.has(n.name));
  const restCol = others.some((n) => !resting(n)) ? 2 : 1;
  for (const n of others) col.set(n.name, resting(n) ? restCol : 1);
  for (const c of compounds) col.set(c.name, Math.min(...leavesUnder(c.name).map((l) => col.get(l.name)!)));
  const colOf = (name: string): number => col.get(name)!;
  const rowsOf = (name: string): number[] =>
    leavesUnder(name)
      .filter((l) => row.has(l.name))
      .map((l) => row.get(l.name)!);
  const rowMid = (name: string): number => {
    const rs = rowsOf(name);
    return (Math.min(...rs) + Math.max(...rs)) / 2;
  };

  // A horizontal from column c to column c±2 crosses the column between at the target's
  // row, so that row stays empty there: side states avoid rows entered from the far
  // column, resting states avoid the side states' rows.
  // a row a frame spans in column c belongs to the frame's own states there
  const inForeignFrame = (name: string, r: number, c: number): boolean =>
    compounds.some((k) => {
      const under = leavesUnder(k.name);
      if (under.some((l) => l.name === name) || !under.some((l) => row.has(l.name) && col.get(l.name) === c))
        return false;
      const rs = under.filter((l) => row.has(l.name)).map((l) => row.get(l.name)!);
      return r >= Math.min(...rs) && r <= Math.max(...rs);
    });
  const blocked = new Set<number>();
  for (const e of model.edges)
    if (Math.abs(colOf(e.from) - colOf(e.to)) >= 2 && colOf(e.to) === 0) rowsOf(e.to).forEach((r) => blocked.add(r));
  for (const c of [1, 2]) {
    const taken = new Set<number>(c === 1 ? blocked : [...row].filter(([n]) => colOf(n) === 1).map(([, r]) => r));
    for (const n of others.filter((o) => colOf(o.name) === c)) {
      const from = model.edges
        .filter((e) => e.to === n.name && e.from !== n.name && rowsOf(e.from).length > 0)
        .map((e) => rowMid(e.from))
        .sort((a, b) => a - b);
      let r = from.length > 0 ? Math.round(from[Math.floor((from.length - 1) / 2)]!) : Math.max(...row.values()) + 1;
      // a side state inside a frame starts no higher than the frame's first main-path row,
      // so the frame never takes in the state that enters it (e.g. quietEnable → quiesced.*)
      for (const c of compounds.filter((k) => leavesUnder(k.name).some((l) => l.name === n.name))) {
        const mainRows = leavesUnder(c.name)
          .filter((l) => colOf(l.name) === 0 && row.has(l.name))
          .map((l) => row.get(l.name)!);
        if (mainRows.length > 0) r = Math.max(r, Math.min(...mainRows));
      }
      while (taken.has(r) || [...row].some(([o, or]) => or === r && colOf(o) === c) || inForeignFrame(n.name, r, c))
        r++;
      taken.add(r);
      row.set(n.name, r);
    }
  }
  const rowCount = Math.max(...row.values()) + 1;
  const colCount = Math.max(...col.values()) + 1;

  // --- topology: straight edges, loops, buses and the ports they use ----------------
  const ports: Port[] = [];
  const port = (node: string, side: Side, key: number, labelled: boolean, gutter: number): Port => {
    const c = colOf(node);
    const near = side === 'L' ? c - 1 : c;
    const p: Port = { node, side, key, labelled, y: 0, span: [Math.min(near, gutter), Math.max(near, gutter)] };
    ports.push(p);
    return p;
  };
  const straight = new Map<string, DiagramEdge[]>();
  const loops: Array<{ edge: DiagramEdge; port: Port }> = [];
  const groups = new Map<
    string,
    { from: string; to: string; gutter: number; exit: Side; entry: Side; edges: DiagramEdge[] }
  >();
  const isLeaf = (name: string): boolean => byName.get(name)?.kind !== 'compound';
  for (const e of model.edges) {
    const [ca, cb] = [colOf(e.from), colOf(e.to)];
    if (e.from === e.to) {
      loops.push({ edge: e, port: port(e.from, 'L', Infinity, false, colOf(e.from) - 1) });
      continue;
    }
    if (ca === cb && isLeaf(e.from) && isLeaf(e.to) && Math.abs(row.get(e.from)! - row.get(e.to)!) === 1) {
      const key = [e.from, e.to].sort().join('\u0000');
      straight.set(key, [...(straight.get(key) ?? []), e]);
      continue;
    }
    const [gutter, exit, entry]: [number, Side, Side] =
      ca < cb ? [ca, 'R', 'L'] : ca > cb ? [ca - 1, 'L', 'R'] : ca === 0 ? [-1, 'L', 'L'] : [ca, 'R', 'R'];
    const key = `${e.from}\u0000${e.to}\u0000${gutter}`;
    const g = groups.get(key) ?? { from: e.from, to: e.to, gutter, exit, entry, edges: [] };
    g.edges.push(e);
    groups.set(key, g);
  }
  // buses: one per target, gutter and label; buses of one target and label in different
  // gutters share the entry line and its label (the farther one owns them)
  const buses = new Map<string, Bus>();
  const entries = new Map<string, Port>();
  for (const g of groups.values()) {
    const text = g.edges.map((e) => e.label).join(' | ');
    const key = `${g.to}\u0000${g.gutter}\u0000${text}`;
    let bus = buses.get(key);
    if (!bus) {
      const family = `${g.to}\u0000${g.entry}\u0000${text}`;
      const target = entries.get(family) ?? port(g.to, g.entry, 0, true, g.gutter);
      entries.set(family, target);
      bus = {
        to: g.to,
        gutter: g.gutter,
        exit: g.exit,
        entry: g.entry,
        text,
        tone: toneOf(g.edges.map((e) => e.label)),
        sources: [],
        target,
        lane: 0,
        primary: false,
      };
      buses.set(key, bus);
    }
    bus.sources.push({ from: g.from, edges: g.edges, port: port(g.from, g.exit, rowMid(g.to), false, g.gutter) });
  }
  for (const target of entries.values()) {
    const family = [...buses.values()].filter((b) => b.target === target);
    const all = family.flatMap((b) => b.sources);
    target.key = all.reduce((s, x) => s + rowMid(x.from), 0) / all.length;
    family.sort((a, b) => (a.entry === 'L' ? a.gutter - b.gutter : b.gutter - a.gutter))[0]!.primary = true;
  }

  // --- sizes -------------------------------------------------------------------------
  const sideOf = (node: string, side: Side): Port[] =>
    ports.filter((p) => p.node === node && p.side === side).sort((a, b) => a.key - b.key);
  const spacing = (list: Port[]): number => (list.some((p) => p.labelled) ? PORT_SP_LABELLED : PORT_SP);
  const heightOf = (name: string): number =>
    Math.max(
      BOX_H,
      ...(['L', 'R'] as Side[]).map((s) => {
        const l = sideOf(name, s);
        return (l.length + 1) * spacing(l);
      }),
    );
  const depthIn = (c: number): number =>
    Math.max(0, ...compounds.filter((k) => colOf(k.name) === c).map((k) => ancestorsOf(k.name).length + 1));
  const rowH = Array.from({ length: rowCount }, (_v, r) =>
    Math.max(0, ...leaves.filter((l) => row.get(l.name) === r).map((l) => heightOf(l.name))),
  );
  const framesStarting = (r: number): number => compounds.filter((k) => Math.min(...rowsOf(k.name)) === r).length;
  const framesEnding = (r: number): number => compounds.filter((k) => Math.max(...rowsOf(k.name)) === r).length;
  // more than two parallel straight edges below a row stack their right-hand labels: room for them
  const straightExtra = (r: number): number =>
    Math.max(
      0,
      ...[...straight.values()]
        .filter((list) => Math.min(row.get(list[0]!.from)!, row.get(list[0]!.to)!) === r)
        .map((list) => Math.max(0, list.length - 2) * LABEL_LINE),
    );
  const rowTop: number[] = [];
  let y = MARGIN + TOP + framesStarting(0) * (FRAME_PAD + FRAME_HEAD);
  for (let r = 0; r < rowCount; r++) {
    rowTop.push(y);
    y +=
      rowH[r]! +
      ROW_GAP +
      straightExtra(r) +
      framesEnding(r) * FRAME_PAD +
      (r + 1 < rowCount ? framesStarting(r + 1) * (FRAME_PAD + FRAME_HEAD) : 0);
  }
  const bottom = y - ROW_GAP;

  // label zones beside each column: entries from the left are labelled left of the
  // column, entries from the right right of it; loops are labelled left, below the box
  const zoneL = new Array<number>(colCount).fill(0);
  const zoneR = new Array<number>(colCount).fill(0);
  for (const b of [...buses.values()].filter((x) => x.primary)) {
    const zone = b.entry === 'L' ? zoneL : zoneR;
    zone[colOf(b.to)] = Math.max(zone[colOf(b.to)]!, textWidth(b.text) + 2 * LABEL_PAD);
  }
  for (const l of loops)
    zoneL[colOf(l.edge.from)] = Math.max(zoneL[colOf(l.edge.from)]!, textWidth(l.edge.label) + 16 + 2 * LABEL_PAD);
  const lanesIn = (g: number): number => [...buses.values()].filter((b) => b.gutter === g).length;
  const colX: number[] = [];
  const laneX0: number[] = []; // index g + 1
  let x = MARGIN;
  for (let g = -1; g < colCount; g++) {
    if (g >= 0) x += BOX_W + depthIn(g) * FRAME_PAD + zoneR[g]!;
    const lanes = lanesIn(g);
    laneX0.push(x + LANE_PAD);
    x += lanes > 0 ? 2 * LANE_PAD + (lanes - 1) * LANE_SP : g === -1 ? 0 : LANE_PAD;
    if (g + 1 < colCount) {
      x += zoneL[g + 1]! + depthIn(g + 1) * FRAME_PAD;
      colX.push(x);
    }
  }
  const width = x + MARGIN;
  const laneX = (b: Bus): number => laneX0[b.gutter + 1]! + b.lane * LANE_SP;

  // --- boxes and frames --------------------------------------------------------------
  const boxes = new Map<string, Box>();
  for (const l of leaves) {
    const h = heightOf(l.name);
    const r = row.get(l.name)!;
    boxes.set(l.name, { x: colX[colOf(l.name)]!, y: rowTop[r]! + (rowH[r]! - h) / 2, w: BOX_W, h });
  }
  for (const c of compounds.slice().reverse()) {
    const inside = [...boxes].filter(([name]) => name.startsWith(`${c.name}.`)).map(([, b]) => b);
    const x0 = Math.min(...inside.map((b) => b.x)) - FRAME_PAD;
    const y0 = Math.min(...inside.map((b) => b.y)) - FRAME_PAD - FRAME_HEAD;
    boxes.set(c.name, {
      x: x0,
      y: y0,
      w: Math.max(...inside.map((b) => b.x + b.w)) + FRAME_PAD - x0,
      h: Math.max(...inside.map((b) => b.y + b.h)) + FRAME_PAD - y0,
    });
  }
  // port positions: spread evenly over a leaf's side; on a frame, in the widest gap
  // between its children (below its title)
  for (const name of boxes.keys()) {
    const b = boxes.get(name)!;
    for (const side of ['L', 'R'] as Side[]) {
      const list = sideOf(name, side);
      if (list.length === 0) continue;
      const sp = spacing(list);
      let mid = b.y + b.h / 2;
      if (!isLeaf(name)) {
        const kids = [...boxes]
          .filter(([n]) => n.startsWith(`${name}.`))
          .map(([, k]) => k)
          .sort((p, q) => p.y - q.y);
        let best = { lo: b.y + FRAME_HEAD, hi: kids[0]!.y };
        for (let i = 0; i <= kids.length; i++) {
          const lo = kids[i - 1] ? kids[i - 1]!.y + kids[i - 1]!.h : b.y + FRAME_HEAD;
          const hi = kids[i] ? kids[i]!.y : b.y + b.h;
          if (hi - lo > best.hi - best.lo) best = { lo, hi };
        }
        mid = (best.lo + best.hi) / 2;
      }
      list.forEach((p, i) => {
        p.y = mid + (i - (list.length - 1) / 2) * sp;
      });
    }
  }
  // boxes of one row must not put two horizontals on one line: shift a box's ports
  // off those of the boxes left of it
  for (let r = 0; r < rowCount; r++) {
    const inRow = leaves.filter((l) => row.get(l.name) === r).sort((a, b) => colOf(a.name) - colOf(b.name));
    const seen: Port[] = [];
    const clash = (p: Port, d: number): boolean =>
      seen.some((q) => Math.abs(p.y + d - q.y) < 4 && p.span[0] <= q.span[1] && q.span[0] <= p.span[1]);
    for (const l of inRow) {
      const own = ports.filter((p) => p.node === l.name);
      const shift = [0, 5, -5, 3, -3, 8, -8].find((d) => own.every((p) => !clash(p, d))) ?? 0;
      for (const p of own) {
        p.y += shift;
        seen.push(p);
      }
    }
  }
  // a lone edge between boxes of one row runs straight when the source side has room
  for (const bus of buses.values()) {
    const s = bus.sources[0]!;
    const b = boxes.get(s.from)!;
    const ty = bus.target.y;
    if (
      !bus.primary ||
      bus.sources.length > 1 ||
      !isLeaf(s.from) ||
      Math.abs(s.port.y - ty) > 12 ||
      ty < b.y + 8 ||
      ty > b.y + b.h - 8
    )
      continue;
    const side = sideOf(s.from, s.port.side);
    if (side.some((p) => p !== s.port && Math.abs(p.y - ty) < spacing(side))) continue;
    s.port.y = ty;
  }
  for (let g = -1; g < colCount; g++) orderLanes([...buses.values()].filter((b) => b.gutter === g));
  const sideX = (name: string, side: Side): number => {
    const b = boxes.get(name)!;
    return side === 'L' ? b.x : b.x + b.w;
  };

  // --- wires and labels --------------------------------------------------------------
  const wires: Wire[] = [];
  const labels: Label[] = [];
  const dots: Layout['dots'] = [];
  for (const list of straight.values()) {
    list.forEach((e, i) => {
      const [a, b] = [boxes.get(e.from)!, boxes.get(e.to)!];
      const down = a.y < b.y;
      const lx = a.x + a.w / 2 + (i - (list.length - 1) / 2) * STRAIGHT_SP;
      const [y1, y2] = down ? [a.y + a.h, b.y] : [a.y, b.y + b.h];
      wires.push({
        edge: e,
        points: [
          { x: lx, y: y1 },
          { x: lx, y: y2 },
        ],
        tone: toneOf([e.label]),
      });
      // label in the clear part of the gap, outside any frame border
      const [upper, lower] = down ? [e.from, e.to] : [e.to, e.from];
      let lo = Math.min(y1, y2);
      let hi = Math.max(y1, y2);
      for (const k of compounds) {
        const f = boxes.get(k.name)!;
        const inU = upper.startsWith(`${k.name}.`);
        const inL = lower.startsWith(`${k.name}.`);
        if (inU && !inL) lo = Math.max(lo, f.y + f.h);
        if (inL && !inU) hi = Math.min(hi, f.y);
      }
      // a self-loop's label sits left, just below its box: a left label then goes to the
      // bottom of the gap instead of its middle
      const loopAbove = loops.some((l) => l.edge.from === upper);
      const left = list.length > 1 && i === 0;
      const [j, rightCount] = list.length > 1 ? [i - 1, list.length - 1] : [0, 1];
      const y = left
        ? loopAbove
          ? hi - 6
          : (lo + hi) / 2 + 4
        : (lo + hi) / 2 + 4 + (j - (rightCount - 1) / 2) * LABEL_LINE;
      // right-hand labels start right of the last parallel wire, so none crosses a wire
      const lastX = a.x + a.w / 2 + ((list.length - 1) / 2) * STRAIGHT_SP;
      labels.push({
        x: left ? lx - 5 : lastX + 5,
        y,
        anchor: left ? 'end' : 'start',
        text: e.label,
        tone: toneOf([e.label]),
        edges: [e],
      });
    });
  }
  for (const { edge, port: p } of loops) {
    const b = boxes.get(edge.from)!;
    const yb = b.y + b.h;
    wires.push({
      edge,
      tone: toneOf([edge.label]),
      points: [
        { x: b.x + 24, y: yb },
        { x: b.x + 24, y: yb + 10 },
        { x: b.x - 12, y: yb + 10 },
        { x: b.x - 12, y: p.y },
        { x: b.x, y: p.y },
      ],
    });
    labels.push({
      x: b.x - 16 - LABEL_PAD,
      y: yb + 14,
      anchor: 'end',
      text: edge.label,
      tone: toneOf([edge.label]),
      edges: [edge],
    });
  }
  for (const bus of buses.values()) {
    const lx = laneX(bus);
    const tx = sideX(bus.to, bus.entry);
    const ty = bus.target.y;
    const ys = bus.sources.map((s) => s.port.y);
    const [lo, hi] = [Math.min(ty, ...ys), Math.max(ty, ...ys)];
    for (const s of bus.sources) {
      const sx = sideX(s.from, bus.exit);
      const pts =
        s.port.y === ty && bus.sources.length === 1 && bus.primary
          ? [
              { x: sx, y: ty },
              { x: tx, y: ty },
            ]
          : [
              { x: sx, y: s.port.y },
              { x: lx, y: s.port.y },
              { x: lx, y: ty },
              { x: tx, y: ty },
            ];
      for (const e of s.edges) wires.push({ edge: e, points: pts, tone: bus.tone });
      const meeting = (s.port.y > lo ? 1 : 0) + (s.port.y < hi ? 1 : 0) + (s.port.y === ty ? 1 : 0);
      if (bus.sources.length > 1 && meeting >= 2) dots.push({ x: lx, y: s.port.y, tone: bus.tone });
    }
    if (!bus.primary) {
      dots.push({ x: lx, y: ty, tone: bus.tone });
      continue;
    }
    // the label sits above the entry line, against the target's column
    const c = colOf(bus.to);
    const pad = depthIn(c) * FRAME_PAD + LABEL_PAD;
    const lxText = bus.entry === 'L' ? colX[c]! - pad : colX[c]! + BOX_W + pad;
    const family = [...buses.values()].filter((b) => b.target === bus.target);
    labels.push({
      x: lxText,
      y: ty - 4,
      anchor: bus.entry === 'L' ? 'end' : 'start',
      text: bus.text,
      tone: bus.tone,
      edges: family.flatMap((b) => b.sources.flatMap((s) => s.edges)),
    });
  }
  return { width, height: bottom + MARGIN, boxes, wires, labels, dots, initial: main[0]! };
}

/** Lane extent and the horizontals leaving it: -1 towards the left, +1 towards the right. */
function reach(b: Bus): { lo: number; hi: number; arms: Array<{ y: number; dir: number }> } {
  const ys = [b.target.y, ...b.sources.map((s) => s.port.y)];
  const stub = b.exit === 'R' ? -1 : 1;
  return {
    lo: Math.min(...ys),
    hi: Math.max(...ys),
    arms: [{ y: b.target.y, dir: b.entry === 'L' ? 1 : -1 }, ...b.sources.map((s) => ({ y: s.port.y, dir: stub }))],
  };
}

/** Order the lanes of one gutter to cross as few horizontals as possible (exact for up to
 * 14 lanes, by dynamic programming over subsets; ties keep the earlier order). */
function orderLanes(list: Bus[]): void {
  const n = list.length;
  const rs = list.map(reach);
  // cost[i][j]: crossings when lane i lies left of lane j
  const cost = rs.map((a) =>
    rs.map((b) => {
      let c = 0;
      for (const arm of a.arms) if (arm.dir > 0 && arm.y > b.lo && arm.y < b.hi) c++;
      for (const arm of b.arms) if (arm.dir < 0 && arm.y > a.lo && arm.y < a.hi) c++;
      return c;
    }),
  );
  let order = list.map((_b, i) => i);
  if (n > 1 && n <= 14) {
    const best = new Array<number>(1 << n).fill(Infinity);
    const last = new Array<number>(1 << n).fill(-1);
    best[0] = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      if (best[mask] === Infinity) continue;
      for (let j = 0; j < n; j++) {
        if (mask & (1 << j)) continue;
        let c = best[mask]!;
        for (let i = 0; i < n; i++) if (mask & (1 << i)) c += cost[i]![j]!;
        const next = mask | (1 << j);
        if (c < best[next]!) {
          best[next] = c;
          last[next] = j;
        }
      }
    }
    order = [];
    for (let mask = (1 << n) - 1; mask > 0; mask &= ~(1 << last[mask]!)) order.unshift(last[mask]!);
  }
  order.forEach((i, lane) => {
    list[i]!.lane = lane;
  });
}
