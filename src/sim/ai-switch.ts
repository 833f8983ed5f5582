// Switching AI extents (aimage new, proquiet enable, a full extent under load) and
// (re)starting the AI chain (aimage begin, sim init). Callers hold the lock and write
// the master block afterwards; this module changes it in memory and writes AI files.
import { basename } from 'node:path';
import { closeAiFile, emptyAiFile, preallocOf, writeAiHeader } from './ai-file.js';
import { aiExtents, type MasterBlock } from './master-block.js';
import { releaseReplicationStates, replicateLocked, switchedStatus } from './replication.js';

export type SwitchOutcome =
  | { ok: true; fromPath: string; toPath: string; toNumber: number; seq: number; time: number }
  | { ok: false; reason: 'disabled' | 'single' }
  | { ok: false; reason: 'next-not-empty'; nextPath: string };

/** Index (0-based) of the BUSY AI extent, or -1. */
export function busyIndex(mb: MasterBlock): number {
  return mb.ai.extents.findIndex((e) => e.status === 'Busy');
}

/**
 * Make the next extent BUSY: the old one is closed (FULL, or LOCKED on a replication source
 * until replicated: replication.ts) and the db lstmod moves to now.
 */
export function switchAi(mb: MasterBlock, now: number): SwitchOutcome {
  const files = aiExtents(mb);
  const b = busyIndex(mb);
  if (!mb.ai.enabled || b < 0) return { ok: false, reason: 'disabled' };
  if (files.length < 2) return { ok: false, reason: 'single' };
  const n = (b + 1) % files.length;
  const next = mb.ai.extents[n];
  const nextFile = files[n];
  const cur = mb.ai.extents[b];
  const curFile = files[b];
  if (next === undefined || nextFile === undefined || cur === undefined || curFile === undefined)
    return { ok: false, reason: 'disabled' };
  if (next.status !== 'Empty') return { ok: false, reason: 'next-not-empty', nextPath: nextFile.path };
  closeAiFile(curFile.path, now);
  cur.status = switchedStatus(mb);
  cur.lastOp = now;
  mb.ai.currentSeq += 1;
  mb.ai.lastNewDate = now;
  mb.lstmod = now;
  Object.assign(next, { status: 'Busy', seqno: mb.ai.currentSeq, startDate: now, lastOp: null });
  writeAiHeader(
    nextFile.path,
    {
      kind: 'oeflow-sim-ai',
      dbIdentity: mb.dbIdentity,
      aiBeginDate: mb.ai.beginDate ?? now,
      lastAimageNew: now,
      seqno: mb.ai.currentSeq,
      expectedLstmod: now,
      blockSize: mb.blockSize,
      openedAt: now,
    },
    preallocOf(nextFile),
  );
  // served (the master block says open): a connected target takes the switched extent at once
  replicateLocked(mb, mb.state === 'open');
  return { ok: true, fromPath: curFile.path, toPath: nextFile.path, toNumber: n + 1, seq: mb.ai.currentSeq, time: now };
}

/** aimage begin: every extent EMPTY, extent 1 BUSY with sequence 1, counters aligned. */
export function beginAi(mb: MasterBlock, now: number): void {
  const files = aiExtents(mb);
  files.forEach((f) => emptyAiFile(f.path, preallocOf(f)));
  mb.ai.enabled = true;
  mb.ai.beginDate = now;
  mb.ai.lastNewDate = null;
  mb.ai.currentSeq = 1;
  mb.ai.expectedSeq = 1;
  // the data is not touched: file 1 expects the db as it is, so an OS copy taken after
  // `aimage end` and before this begin can be rolled forward with it (docs/openedge.md §4, 9.1E re-baseline)
  mb.ai.extents = files.map((_, i) => ({
    status: i === 0 ? 'Busy' : 'Empty',
    seqno: i === 0 ? 1 : 0,
    startDate: i === 0 ? now : null,
    lastOp: null,
  }));
  const first = files[0];
  if (first === undefined) return;
  writeAiHeader(
    first.path,
    {
      kind: 'oeflow-sim-ai',
      dbIdentity: mb.dbIdentity,
      aiBeginDate: now,
      lastAimageNew: null,
      seqno: 1,
      expectedLstmod: mb.lstmod,
      blockSize: mb.blockSize,
      openedAt: now,
    },
    preallocOf(first),
  );
}

/** aimage end / roll forward: AI off, with AI management and replication. */
export function disableAi(mb: MasterBlock): void {
  releaseReplicationStates(mb);
  mb.ai.enabled = false;
  mb.ai.archiver = false;
  mb.replication = 'none';
}

/** Extent name as the messages show it (the file name). */
export function extentName(path: string): string {
  return basename(path);
}
