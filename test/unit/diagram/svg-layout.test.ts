// Geometry of the SVG state charts, read back from the coordinates the renderer emits:
// every transition drawn and labelled, no box or label overlapping another, no line
// through a box or a label, no two transitions to different states sharing a line.
import { describe, expect, it } from 'vitest';
import { machines } from '../../../machines/index.js';
import { LABEL_SIZE, textWidth } from '../../../src/diagram/layout.js';
import { diagramModel } from '../../../src/diagram/model.js';
import { edgeRef, toSvg } from '../../../src/diagram/svg.js';

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  name: string;
}
interface Seg {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  ref: string;
  to: string;
  stroke: string;
}

const unesc = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const attr = (tag: string, name: string): string => unesc(new RegExp(` ${name}="([^"]*)"`).exec(tag)?.[1] ?? '');
const num = (tag: string, name: string): number => Number(attr(tag, name));
const overlap = (a: Rect, b: { x0: number; y0: number; x1: number; y1: number }): boolean =>
  a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

function read(svg: string) {
  const states: Rect[] = [...svg.matchAll(/<rect data-state="[^"]*"[^>]*>/g)].map(([t]) => ({
    name: attr(t, 'data-state'),
    x0: num(t, 'x'),
    y0: num(t, 'y'),
    x1: num(t, 'x') + num(t, 'width'),
    y1: num(t, 'y') + num(t, 'height'),
  }));
  const frames: Rect[] = [...svg.matchAll(/<rect data-frame="[^"]*"[^>]*>/g)].map(([t]) => ({
    name: attr(t, 'data-frame'),
    x0: num(t, 'x'),
    y0: num(t, 'y'),
    x1: num(t, 'x') + num(t, 'width'),
    y1: num(t, 'y') + num(t, 'height'),
  }));
  const wires = [...svg.matchAll(/<path data-edge="[^"]*"[^>]*>/g)].map(([t]) => {
    const ref = attr(t, 'data-edge');
    const pts = attr(t, 'd')
      .split(' ')
      .map((p) => p.slice(1).split(',').map(Number) as [number, number]);
    const to = ref.slice(ref.indexOf('→') + 1, ref.indexOf(':'));
    return {
      ref,
      segs: pts.slice(1).map((p, i): Seg => ({
        x0: Math.min(p[0], pts[i]![0]),
        x1: Math.max(p[0], pts[i]![0]),
        y0: Math.min(p[1], pts[i]![1]),
        y1: Math.max(p[1], pts[i]![1]),
        ref,
        to,
        stroke: attr(t, 'stroke'),
      })),
    };
  });
  const labels = [...svg.matchAll(/<text data-label="[^"]*"[^>]*>([^<]*)<\/text>/g)].map(([t, text]) => {
    const w = textWidth(unesc(text!));
    const x = num(t, 'x');
    const x0 = attr(t, 'text-anchor') === 'end' ? x - w : x;
    return {
      refs: attr(t, 'data-label').split(' | '),
      text: unesc(text!),
      x0,
      x1: x0 + w,
      y0: num(t, 'y') - LABEL_SIZE * 0.8,
      y1: num(t, 'y') + 1,
      name: text!,
    };
  });
  return { states, frames, wires, labels };
}

describe.each(Object.entries(machines))('SVG chart of %s', (id, machine) => {
  const model = diagramModel(machine);
  const svg = toSvg(machine);
  const { states, frames, wires, labels } = read(svg);
  const segs = wires.flatMap((w) => w.segs);

  it('draws every state once and every transition as its own line with a label', () => {
    expect(states.map((s) => s.name).sort()).toEqual(
      model.nodes
        .filter((n) => n.kind !== 'compound')
        .map((n) => n.name)
        .sort(),
    );
    expect(frames.map((s) => s.name).sort()).toEqual(
      model.nodes
        .filter((n) => n.kind === 'compound')
        .map((n) => n.name)
        .sort(),
    );
    const refs = model.edges.map(edgeRef);
    expect(new Set(refs).size).toBe(refs.length);
    expect(wires.map((w) => w.ref).sort()).toEqual([...refs].sort());
    expect([...new Set(labels.flatMap((l) => l.refs))].sort()).toEqual([...refs].sort());
    for (const w of wires)
      for (const s of w.segs)
        expect({ w: w.ref, orthogonal: s.x0 === s.x1 || s.y0 === s.y1 }).toEqual({ w: w.ref, orthogonal: true });
  });

  it('keeps boxes apart: states do not overlap, frames hold only their own states', () => {
    for (const [i, a] of states.entries())
      for (const b of states.slice(i + 1))
        expect({ a: a.name, b: b.name, overlap: overlap(a, b) }).toEqual({ a: a.name, b: b.name, overlap: false });
    for (const f of frames)
      for (const s of states)
        expect({ f: f.name, s: s.name, overlap: overlap(f, s) }).toEqual({
          f: f.name,
          s: s.name,
          overlap: s.name.startsWith(`${f.name}.`),
        });
  });

  it('runs no line through a state box', () => {
    for (const s of segs)
      for (const b of states) {
        const inner = { x0: b.x0 + 1, y0: b.y0 + 1, x1: b.x1 - 1, y1: b.y1 - 1, name: b.name };
        const seg = { ...s, x1: s.x1 + 0.01, y1: s.y1 + 0.01 };
        expect({ edge: s.ref, box: b.name, through: overlap(inner, seg) }).toEqual({
          edge: s.ref,
          box: b.name,
          through: false,
        });
      }
  });

  it('keeps labels clear of each other, of boxes and of lines', () => {
    for (const [i, a] of labels.entries())
      for (const b of labels.slice(i + 1))
        expect({ a: a.text, b: b.text, overlap: overlap(a, b) }).toEqual({ a: a.text, b: b.text, overlap: false });
    for (const l of labels)
      for (const b of states)
        expect({ l: l.text, b: b.name, overlap: overlap(l, b) }).toEqual({ l: l.text, b: b.name, overlap: false });
    // a label lies wholly inside a frame (a transition between its states) or wholly outside
    const inside = (l: Rect, f: Rect): boolean => l.x0 >= f.x0 && l.x1 <= f.x1 && l.y0 >= f.y0 && l.y1 <= f.y1;
    for (const l of labels)
      for (const f of frames)
        expect({ l: l.text, f: f.name, straddles: overlap(l, f) && !inside(l, f) }).toEqual({
          l: l.text,
          f: f.name,
          straddles: false,
        });
    for (const l of labels)
      for (const s of segs) {
        const seg = { ...s, x1: s.x1 + 0.01, y1: s.y1 + 0.01 };
        expect({ l: l.text, edge: s.ref, overlap: overlap(l, seg) }).toEqual({
          l: l.text,
          edge: s.ref,
          overlap: false,
        });
      }
  });

  it('shares a stretch of line only between transitions to the same state', () => {
    for (const [i, a] of segs.entries())
      for (const b of segs.slice(i + 1)) {
        const collinear =
          (a.y0 === a.y1 && b.y0 === b.y1 && a.y0 === b.y0 && a.x0 < b.x1 && b.x0 < a.x1) ||
          (a.x0 === a.x1 && b.x0 === b.x1 && a.x0 === b.x0 && a.y0 < b.y1 && b.y0 < a.y1);
        if (collinear)
          expect({ a: a.ref, b: b.ref, same: a.to === b.to && a.stroke === b.stroke }).toEqual({
            a: a.ref,
            b: b.ref,
            same: true,
          });
      }
  });

  it('renders the same text twice (deterministic)', () => {
    expect(toSvg(machine)).toBe(svg);
    expect(id).toBe(model.machineId);
  });
});
