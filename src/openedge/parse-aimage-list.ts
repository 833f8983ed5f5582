// Parser for `rfutil <db> -C aimage list` (docs/openedge.md §4, ProTop's verbatim 11.7.2 output).
// Keys on the `Label:` tokens, not on column positions; LastOp (11.7+) is optional.
import { OeflowError } from '../errors.js';
import { AI_EXTENT_STATUSES as STATUSES, type AiExtent, type AiExtentStatus } from './types.js';

const LABEL = /^\s*(Extent|Status|Type|Path|Size|Used|Start|LastOp|Seqno):\s*(.*?)\s*$/;

type Block = Partial<Record<string, string>>;

/** The extents listed, in output order; banner-only output (AI disabled) gives []. */
export function parseAimageList(stdout: string): AiExtent[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    const m = LABEL.exec(line);
    if (!m) continue;
    const [, label = '', value = ''] = m;
    if (label === 'Extent') {
      current = {};
      blocks.push(current);
    }
    if (!current) throw unexpected(`"${label}:" before any "Extent:" line`, stdout);
    current[label] = value;
  }
  return blocks.map((b) => toExtent(b, stdout));
}

function toExtent(b: Block, stdout: string): AiExtent {
  return {
    extent: int(b, 'Extent', stdout),
    status: status(b.Status, stdout),
    type: /fixed/i.test(b.Type ?? '') ? 'Fixed Length' : 'Variable Length',
    path: required(b, 'Path', stdout),
    sizeKb: int(b, 'Size', stdout),
    usedKb: b.Used === undefined ? 0 : int(b, 'Used', stdout),
    start: dateOrNull(b.Start),
    lastOp: dateOrNull(b.LastOp),
    seqno: int(b, 'Seqno', stdout),
  };
}

function status(value: string | undefined, stdout: string): AiExtentStatus {
  const found = STATUSES.find((s) => s.toLowerCase() === (value ?? '').toLowerCase());
  if (!found) throw unexpected(`unknown AI extent status "${value ?? ''}"`, stdout);
  return found;
}

function required(b: Block, label: string, stdout: string): string {
  const v = b[label];
  if (v === undefined || v === '') throw unexpected(`an extent block has no "${label}:" line`, stdout);
  return v;
}

function int(b: Block, label: string, stdout: string): number {
  const v = required(b, label, stdout);
  if (!/^\d+$/.test(v)) throw unexpected(`"${label}: ${v}" is not a whole number`, stdout);
  return Number(v);
}

function dateOrNull(v: string | undefined): string | null {
  return v === undefined || v === '' || v === 'N/A' ? null : v;
}

function unexpected(what: string, stdout: string): OeflowError {
  return new OeflowError('OEF-013', `rfutil -C aimage list: ${what}.`, { details: { stdout } });
}
