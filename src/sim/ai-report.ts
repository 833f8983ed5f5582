// The read-only AI renderings: `aimage list` blocks (docs/openedge.md §4 exact layout),
// `aimage query` values, and the 1640–1643 header / 1634… trailer of an AI file.
import { notesOf, aiUsedKb, type AiFile, type TxNote } from './ai-file.js';
import { oeDate } from './dates.js';
import { aiExtents, type MasterBlock } from './master-block.js';
import { msg, type Msg } from './messages.js';

/** The fields of one AI extent as list/query show them. */
export interface AiExtentView {
  extent: number;
  status: string;
  type: string;
  path: string;
  size: number;
  used: number;
  start: string;
  lastOp: string;
  seqno: number;
}

/** Every AI extent of the control area, with Used read from the file. */
export function aiViews(mb: MasterBlock): AiExtentView[] {
  return aiExtents(mb).map((f, i) => {
    const st = mb.ai.extents[i];
    return {
      extent: i + 1,
      status: st?.status ?? 'Empty',
      type: f.kind === 'fixed' ? 'Fixed Length' : 'Variable Length',
      path: f.path,
      size: f.sizeKb,
      used: aiUsedKb(f.path),
      start: st?.startDate == null ? 'N/A' : oeDate(st.startDate),
      lastOp: st?.lastOp == null ? 'N/A' : oeDate(st.lastOp),
      seqno: st?.seqno ?? 0,
    };
  });
}

const row = (label: string, value: string | number): string => `${label.padStart(6)}:  ${value}`;

/** One `aimage list` block, followed by its blank line. */
export function listBlock(v: AiExtentView): string[] {
  return [
    row('Extent', v.extent),
    row('Status', v.status),
    row('Type', v.type),
    row('Path', v.path),
    row('Size', v.size),
    row('Used', v.used),
    row('Start', v.start),
    row('LastOp', v.lastOp),
    row('Seqno', v.seqno),
    '',
  ];
}

export const QUERY_OPTIONS = [
  'extnum',
  'status',
  'type',
  'size',
  'used',
  'name',
  'sequence',
  'startdate',
  'all',
] as const;
export type QueryOption = (typeof QUERY_OPTIONS)[number];

/** The bare value `aimage query` prints for one option (STATUS in upper case). */
export function queryValue(v: AiExtentView, opt: Exclude<QueryOption, 'all'>): string {
  switch (opt) {
    case 'extnum':
      return String(v.extent);
    case 'status':
      return v.status.toUpperCase();
    case 'type':
      return v.type;
    case 'size':
      return String(v.size);
    case 'used':
      return String(v.used);
    case 'name':
      return v.path;
    case 'sequence':
      return String(v.seqno);
    case 'startdate':
      return v.start;
  }
}

/** The extent a query's `by <search> <value>` designates, if any. */
export function findExtent(views: readonly AiExtentView[], search: string, value: string): AiExtentView | undefined {
  if (search === 'extnum') return views.find((v) => String(v.extent) === value);
  if (search === 'sequence') return views.find((v) => String(v.seqno) === value && v.seqno > 0);
  if (search === 'name') return views.find((v) => v.path === value || v.path.endsWith(`/${value}`));
  return undefined;
}

/** 1633 + the 1640–1643 header lines of an AI file. */
export function headerMessages(f: AiFile): Msg[] {
  const h = f.header;
  return [
    msg.aiDates(),
    msg.lastBegin(oeDate(h.aiBeginDate)),
    ...(h.lastAimageNew === null ? [] : [msg.lastNew(oeDate(h.lastAimageNew))]),
    msg.aimageFileNumber(h.seqno),
    msg.lastOpened(oeDate(h.openedAt)),
  ];
}

/**
 * The 1634/3785/1635/11138/1636 trailer for the note groups processed: in flight = the
 * transactions that end (or are backed out) here but began before; started = began here;
 * completed = ended or backed out here; still active = in flight + started − completed
 * (the real sample: 2 + 1670 − 1669 = 3, docs/openedge.md §4).
 */
export function trailerMessages(txs: readonly TxNote[]): Msg[] {
  const notes = txs.reduce((n, tx) => n + notesOf(tx), 0);
  const begun = new Set(txs.filter((tx) => tx.t === 'tx' || tx.t === 'begin').map((tx) => tx.trid));
  const finishing = txs.filter((tx) => tx.t === 'end' || tx.t === 'undo');
  const inFlight = new Set(finishing.filter((tx) => !begun.has(tx.trid)).map((tx) => tx.trid)).size;
  const started = begun.size;
  const completed = txs.filter((tx) => tx.t === 'tx').length + finishing.length;
  return [
    msg.notesProcessed(notes),
    msg.inFlight(inFlight),
    msg.txStarted(started),
    msg.txCompleted(completed),
    msg.txStillActive(inFlight + started - completed),
  ];
}

/**
 * The verbose lines of one transaction: its begin note (1637 RL_TBGN, 1638, 2598 with the
 * begin date, 2599), one 1637 + 9016 pair per record update, and its end note (1637
 * RL_TEND, 1638). The numbers and texts are real [C]; the note codes, the user (the OS
 * user of the process that reads it) and the dbkey/update-counter values are the
 * simulator's choice [I].
 */
export function verboseNotes(tx: TxNote, user: string): Msg[] {
  const begins = tx.t === 'tx' || tx.t === 'begin';
  const ends = tx.t === 'tx' || tx.t === 'end';
  return [
    ...(begins
      ? [
          msg.noteCode('RL_TBGN'),
          msg.transactionIndex(tx.trid),
          msg.tridLine(tx.trid, oeDate(tx.begin)),
          msg.userIdLine(user),
        ]
      : []),
    ...tx.ops.flatMap((_, i) => [msg.noteCode('RL_RMCHG'), msg.noteArea(7, tx.trid * 32 + i, tx.u)]),
    ...(ends ? [msg.noteCode('RL_TEND'), msg.transactionIndex(tx.trid)] : []),
    ...(tx.t === 'undo' ? [msg.noteCode('RL_TABRT'), msg.transactionIndex(tx.trid)] : []),
  ];
}
