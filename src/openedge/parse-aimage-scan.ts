// Parser for the header of `rfutil <db> -C aimage scan -a <file>` (messages 1640–1643).
// Fields are found by message number; dates are taken as printed (ctime form).
import { OeflowError } from '../errors.js';
import { Msg } from './messages.js';
import type { AiFileHeader, OeMessage } from './types.js';

const CTIME = /[A-Z][a-z]{2} +[A-Z][a-z]{2} +\d{1,2} +\d{1,2}:\d{2}:\d{2} +\d{4}/;

/** The AI file header of `path` from the scan's messages; OEF-013 when 1640 or 1642 is missing. */
export function parseAimageScan(path: string, messages: readonly OeMessage[]): AiFileHeader {
  const text = (n: number): string | undefined => messages.find((m) => m.number === n)?.text;
  const begin = dateIn(text(Msg.lastAimageBegin));
  const seqText = text(Msg.aimageFileNumber);
  const seq = seqText === undefined ? undefined : /(\d+)/.exec(seqText)?.[1];
  if (begin === null || seq === undefined) {
    throw new OeflowError('OEF-013', `rfutil -C aimage scan printed no AI header (1640/1642) for ${path}.`, {
      details: { path, messages: messages.map((m) => ({ ...m })) },
    });
  }
  return {
    path,
    seqno: Number(seq),
    aiBeginDate: begin,
    aiNewDate: dateIn(text(Msg.lastAimageNew)),
    lastOpenedDate: dateIn(text(Msg.lastOpenedForOutput)),
  };
}

/** Normalises a ctime-style date for comparison (collapses the double space of `Feb  3`). */
export function normalizeCtime(date: string): string {
  return date.trim().replace(/\s+/g, ' ');
}

function dateIn(text: string | undefined): string | null {
  if (text === undefined) return null;
  const m = CTIME.exec(text);
  return m ? normalizeCtime(m[0]) : null;
}
