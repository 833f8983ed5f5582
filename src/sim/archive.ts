// `oeflow sim archive <db> --to <dir>`: what the AI archiver does (docs/openedge.md §7) — copy each
// FULL extent, oldest first, to `<dir>/<db path with ~>.<YYYYMMDD>.<HHMMSS>.<bkseq 5>.<aiseq 8>.<extent>`,
// record it in `<db>.archival.log`, and mark it EMPTY (3789). Online or offline.
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OeflowError } from '../errors.js';
import { emptyAiFile, preallocOf } from './ai-file.js';
import { archiveStamp } from './dates.js';
import { appendLog } from './log-file.js';
import { aiExtents, masterExists, readMaster, withLockSync, writeMaster, type MasterBlock } from './master-block.js';
import { msg, type Msg } from './messages.js';
import { dbPaths, type DbPaths } from './paths.js';

export interface ArchivedExtent {
  extent: number;
  seq: number;
  from: string;
  to: string;
}

export interface ArchiveResult {
  db: string;
  archived: ArchivedExtent[];
}

/** The archiver's target file name for one extent. */
export function archiveName(paths: DbPaths, mb: MasterBlock, seq: number, extentPath: string): string {
  const { date, time } = archiveStamp(mb.ai.beginDate ?? mb.createDate);
  const prefix = paths.base.replace(/^\/+/, '').replace(/\//g, '~');
  return `${prefix}.${date}.${time}.${String(mb.backup.counter).padStart(5, '0')}.${String(seq).padStart(8, '0')}.${basename(extentPath)}`;
}

function sameContent(a: string, b: string): boolean {
  return readFileSync(a).equals(readFileSync(b));
}

/** Archival-log record types (docs/openedge.md §7): 0001 automatic (the daemon), 0003 manual. */
export type ArchiveRecordType = '0001' | '0003';

/**
 * Copy FULL extent `i` to `to`, record it in `<db>.archival.log`, and mark it EMPTY (caller
 * holds the lock and writes `mb`). Returns the `.lg` messages: 13199, then for the daemon
 * 13154 ARCHIVED [C text] before 3789 EMPTY [I order]; a LOCKED extent stays ARCHIVED.
 */
export function archiveExtent(paths: DbPaths, mb: MasterBlock, i: number, to: string, type: ArchiveRecordType): Msg[] {
  const from = aiExtents(mb)[i]?.path ?? '';
  const e = mb.ai.extents[i];
  if (e === undefined) throw new Error(`no AI extent ${i + 1}`);
  copyFileSync(from, to);
  const now = archiveStamp(Date.now());
  const begin = archiveStamp(mb.ai.beginDate ?? mb.createDate);
  if (!existsSync(paths.archivalLog)) appendFileSync(paths.archivalLog, `0255,${now.date},${now.time},12.8\n`);
  appendFileSync(
    paths.archivalLog,
    `${type},${paths.base},${now.date},${now.time},${begin.date},${begin.time},${mb.backup.counter},${e.seqno},${from},${dirname(to)},${to}\n`,
  );
  // a LOCKED extent (replication source) is only ARCHIVED: it stays until replicated (replication.ts)
  if (e.status === 'Locked') {
    e.status = 'Archived';
    return [msg.copiedTo(from, to), msg.markedArchived(basename(from))];
  }
  emptyAiFile(from, preallocOf(aiExtents(mb)[i] ?? { kind: 'variable', sizeKb: 0 }));
  mb.ai.extents[i] = { status: 'Empty', seqno: 0, startDate: null, lastOp: null };
  return [
    msg.copiedTo(from, to),
    ...(type === '0001' ? [msg.markedArchived(basename(from))] : []),
    msg.markedEmpty(basename(from)),
  ];
}

/**
 * FULL extents, oldest sequence first, as `{ e, i }` (i = extent index); with `locked`, the
 * LOCKED ones too (the daemon archives both on a replication source, docs/openedge.md §7).
 */
export function fullExtents(mb: MasterBlock, locked = false): { e: MasterBlock['ai']['extents'][number]; i: number }[] {
  return mb.ai.extents
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.status === 'Full' || (locked && e.status === 'Locked'))
    .sort((a, b) => a.e.seqno - b.e.seqno);
}

/** Archive every FULL extent (oldest first) and mark it EMPTY. */
export function archiveFullExtents(db: string, toDir: string): ArchiveResult {
  const paths = dbPaths(db);
  if (!masterExists(paths))
    throw new OeflowError('OEF-011', `${paths.dbFile} does not exist`, { details: { db: paths.base } });
  const dir = resolve(toDir);
  mkdirSync(dir, { recursive: true });
  const archived = withLockSync(paths, () => {
    const mb = readMaster(paths);
    const files = aiExtents(mb);
    const done: ArchivedExtent[] = [];
    for (const { e, i } of fullExtents(mb)) {
      const from = files[i]?.path ?? '';
      const to = join(dir, archiveName(paths, mb, e.seqno, from));
      // A target left by an interrupted archive run is accepted only if identical.
      if (existsSync(to) && !sameContent(from, to))
        throw new OeflowError('OEF-001', `archive target ${to} already exists with other content`, { details: { to } });
      const seq = e.seqno;
      const logs = archiveExtent(paths, mb, i, to, '0003');
      writeMaster(paths, mb);
      appendLog(paths.lg, { tag: 'AIMGT', usr: 5 }, logs);
      done.push({ extent: i + 1, seq, from, to });
    }
    return done;
  });
  return { db: paths.base, archived };
}
