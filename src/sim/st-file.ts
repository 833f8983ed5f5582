// The structure description file (.st, docs/openedge.md §6): written by sim init and prostrct list,
// read by prostrct repair. Areas are written with `"Name":num,rpb;bpc` and separated
// by `#` lines; a fixed extent carries `f <KB>`, a variable one no size.
import type { Extent, ExtentType } from './master-block.js';

export interface StLine {
  type: ExtentType;
  areaName: string | null;
  areaNum: number | null;
  path: string;
  kind: 'fixed' | 'variable';
  sizeKb: number;
}

/** .st text for the control area's extents. */
export function stText(extents: readonly Extent[]): string {
  const lines: string[] = [];
  let lastArea = '';
  for (const e of extents) {
    const areaKey = `${e.type}:${e.areaNum}`;
    if (lastArea !== '' && areaKey !== lastArea) lines.push('#');
    lastArea = areaKey;
    const area = e.type === 'd' ? ` "${e.areaName}":${e.areaNum},${e.recsPerBlock};${e.clusterSize}` : '';
    const size = e.kind === 'fixed' ? ` f ${e.sizeKb}` : '';
    lines.push(`${e.type}${area} ${stPath(e.path)}${size}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A path as OpenEdge writes it in a .st: in double quotes when it holds whitespace (docs/openedge.md §6). */
function stPath(p: string): string {
  return /\s/.test(p) ? `"${p}"` : p;
}

// type, optional area info, then the path: bare, or double-quoted when it holds spaces
const LINE =
  /^([abdt])\s+(?:"([^"]+)"(?::(\d+))?(?:,(\d+))?(?:;(\d+))?\s+)?(?:"([^"]+)"|(\S+))(?:\s+([fv])\s+(\d+))?\s*$/;

/** Parse .st text; returns the extent lines or the first line it cannot read. */
export function parseSt(text: string): { lines: StLine[] } | { bad: string } {
  const lines: StLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.trim().length === 0 || /^[*:#]/.test(line)) continue;
    const m = LINE.exec(line.trim());
    if (m === null) return { bad: line };
    lines.push({
      type: m[1] as ExtentType,
      areaName: m[2] ?? null,
      areaNum: m[3] === undefined ? null : Number(m[3]),
      path: m[6] ?? m[7] ?? '',
      kind: m[8] === 'f' ? 'fixed' : 'variable',
      sizeKb: m[9] === undefined ? 0 : Number(m[9]),
    });
  }
  return { lines };
}

/** Which extents an .st line may stand for: same type, and same area for data areas. */
export function groupKey(type: ExtentType, areaNum: number | null): string {
  return type === 'd' ? `d:${areaNum ?? '?'}` : type;
}
