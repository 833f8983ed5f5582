// Structure description (.st) file: parser, writer and path rewriting (docs/openedge.md §6 grammar).
// Comments and blank lines are kept, and untouched lines are written back verbatim.
import path from 'node:path';
import { OeflowError } from '../errors.js';

export type StExtentType = 'a' | 'b' | 'd' | 't';

export interface StArea {
  name: string;
  number?: number;
  recordsPerBlock?: number;
  blocksPerCluster?: number;
}

export interface StExtentLine {
  kind: 'extent';
  type: StExtentType;
  area?: StArea;
  path: string;
  /** `f 1024`, `v 0`… (13.0 also e/ev/x/xv, 9.1E r); absent = variable. */
  size?: { extentType: string; kb: number };
  /** The line as read; written back unchanged unless the line was modified. */
  raw?: string;
}

export type StLine = { kind: 'comment' | 'blank'; raw: string } | StExtentLine;

export interface StFile {
  lines: StLine[];
}

const EXTENT_TYPES = /^(f|v|e|ev|x|xv|r)$/i;

/** Parses `.st` text; OEF-013 names the first line that does not fit the grammar. */
export function parseSt(text: string): StFile {
  const lines: StLine[] = [];
  text.split(/\r?\n/).forEach((raw, i, all) => {
    if (i === all.length - 1 && raw === '') return;
    if (raw.trim() === '') lines.push({ kind: 'blank', raw });
    else if (/^[*:#]/.test(raw)) lines.push({ kind: 'comment', raw });
    else lines.push(parseExtentLine(raw, i + 1));
  });
  return { lines };
}

/** Writes the .st back; modified extent lines are regenerated in prostrct-list form. */
export function formatSt(st: StFile): string {
  return st.lines.map((l) => (l.kind === 'extent' ? (l.raw ?? formatExtent(l)) : l.raw)).join('\n') + '\n';
}

/** The extent paths, in file order (a directory path stands for a generated name). */
export function stFiles(st: StFile): string[] {
  return st.lines.filter((l): l is StExtentLine => l.kind === 'extent').map((l) => l.path);
}

/** True when every extent path is absolute (RF-2: prostrct repair needs full paths). */
export function allAbsolute(st: StFile): boolean {
  return stFiles(st).every((p) => path.isAbsolute(p));
}

/** A copy of `st` with each extent path replaced by `mapping(path, line)` (restores). */
export function rewriteStPaths(st: StFile, mapping: (oldPath: string, line: StExtentLine) => string): StFile {
  return {
    lines: st.lines.map((l) => {
      if (l.kind !== 'extent') return l;
      const next = mapping(l.path, l);
      if (next === l.path) return l;
      const { raw: _raw, ...rest } = l;
      return { ...rest, path: next };
    }),
  };
}

function parseExtentLine(raw: string, lineNo: number): StExtentLine {
  const tokens = tokenize(raw, lineNo);
  const type = tokens.shift();
  if (type === undefined || !/^[abdt]$/.test(type.text)) throw bad(lineNo, raw, 'type must be a, b, d or t');
  let area: StArea | undefined;
  if (tokens[0]?.quotedPrefix) area = parseArea(tokens.shift()?.text ?? '', lineNo, raw);
  const p = tokens.shift();
  if (p === undefined) throw bad(lineNo, raw, 'no path');
  const line: StExtentLine = { kind: 'extent', type: type.text as StExtentType, path: p.text, raw };
  if (area) line.area = area;
  if (tokens.length === 0) return line;
  const [et, size, ...extra] = tokens;
  if (!et || !EXTENT_TYPES.test(et.text) || !size || !/^\d+$/.test(size.text) || extra.length > 0) {
    throw bad(lineNo, raw, 'size must be "f|v <KB>"');
  }
  line.size = { extentType: et.text, kb: Number(size.text) };
  return line;
}

// `"Schema Area":6,64;1` → name, number, records per block, blocks per cluster.
function parseArea(text: string, lineNo: number, raw: string): StArea {
  const m = /^"([^"]*)"(?::(\d+))?(?:,(\d+))?(?:;(\d+))?$/.exec(text);
  if (!m) throw bad(lineNo, raw, `bad area info ${text}`);
  const area: StArea = { name: m[1] ?? '' };
  if (m[2] !== undefined) area.number = Number(m[2]);
  if (m[3] !== undefined) area.recordsPerBlock = Number(m[3]);
  if (m[4] !== undefined) area.blocksPerCluster = Number(m[4]);
  return area;
}

interface Token {
  text: string;
  /** A quoted area name (with its `:n,rpb;bpc` suffix), as opposed to a quoted path. */
  quotedPrefix: boolean;
}

// Whitespace-separated tokens; a double-quoted token may hold spaces. A quoted token
// directly followed by `:`, `,` or `;` is area info, and keeps its quotes.
function tokenize(raw: string, lineNo: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < raw.length) {
    if (/\s/.test(raw[i] ?? '')) {
      i++;
      continue;
    }
    if (raw[i] === '"') {
      const close = raw.indexOf('"', i + 1);
      if (close === -1) throw bad(lineNo, raw, 'unclosed quote');
      let end = close + 1;
      while (end < raw.length && !/\s/.test(raw[end] ?? '')) end++;
      const suffix = raw.slice(close + 1, end);
      const isArea = suffix === '' ? out.length === 1 && looksLikeAreaFollowed(raw, end) : /^[:,;]/.test(suffix);
      out.push(
        isArea
          ? { text: raw.slice(i, end), quotedPrefix: true }
          : { text: raw.slice(i + 1, close) + suffix, quotedPrefix: false },
      );
      i = end;
      continue;
    }
    let end = i;
    while (end < raw.length && !/\s/.test(raw[end] ?? '')) end++;
    out.push({ text: raw.slice(i, end), quotedPrefix: false });
    i = end;
  }
  return out;
}

// `d "Schema Area" /db/x.d1 [f n]`: a bare quoted token right after the type is area info
// when a path still follows it (1 or 3 tokens left); with 0 or 2 left (`f n`) it is the path.
function looksLikeAreaFollowed(raw: string, from: number): boolean {
  const rest = raw.slice(from).trim();
  const left = rest === '' ? 0 : rest.split(/\s+/).length;
  return left === 1 || left === 3;
}

function formatExtent(l: StExtentLine): string {
  const parts: string[] = [l.type];
  if (l.area) {
    const a = l.area;
    parts.push(
      `"${a.name}"${a.number === undefined ? '' : `:${a.number}`}${a.recordsPerBlock === undefined ? '' : `,${a.recordsPerBlock}`}${a.blocksPerCluster === undefined ? '' : `;${a.blocksPerCluster}`}`,
    );
  }
  parts.push(/\s/.test(l.path) ? `"${l.path}"` : l.path);
  if (l.size) parts.push(l.size.extentType, String(l.size.kb));
  return parts.join(' ');
}

function bad(lineNo: number, raw: string, why: string): OeflowError {
  return new OeflowError('OEF-013', `.st line ${lineNo}: ${why}: ${raw}`, { details: { lineNo, line: raw } });
}
