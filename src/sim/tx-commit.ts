// Committing one workload transaction (broker side, under the lock): data extent, BI
// note, AI notes in the BUSY extent, switching to the next EMPTY extent when the busy
// one is full (3777/3778), or reporting "AI full" when none is EMPTY (docs/openedge.md §7).
import { aiBytes, appendAiTx, txLine, type TxNote } from './ai-file.js';
import { busyIndex, extentName, switchAi } from './ai-switch.js';
import { appendBi, appendData } from './data-file.js';
import { aiExtents, biExtent, dataExtent, readMaster, writeMaster, type MasterBlock } from './master-block.js';
import { msg, type Msg } from './messages.js';
import type { DbPaths } from './paths.js';

// Room kept at the end of an extent for the trailer a switch writes, so Used never exceeds Size.
const TRAILER_ROOM = 64;

export type CommitOutcome =
  | { kind: 'ok'; switched: boolean; seq: number; logs: Msg[]; dirty: boolean }
  | { kind: 'quiet' }
  | { kind: 'ai-full'; nextPath: string };

/** Try to commit one transaction into `mb` (caller holds the lock and writes `mb` when dirty). */
export function commitTx(mb: MasterBlock, trid: number, ops: [string, string][], now: number): CommitOutcome {
  if (mb.quiet.state !== 0) return { kind: 'quiet' };
  const tx: TxNote = { t: 'tx', trid, begin: now, end: now, ops };
  const logs: Msg[] = [];
  let dirty = !mb.backup.changedSinceBackup;
  let switched = false;
  let aiPath: string | null = null;
  if (mb.ai.enabled) {
    const files = aiExtents(mb);
    let busy = files[busyIndex(mb)];
    if (busy !== undefined && aiBytes(busy.path) + txLine(tx).length + TRAILER_ROOM > busy.sizeKb * 1024) {
      const sw = switchAi(mb, now);
      if (!sw.ok) return { kind: 'ai-full', nextPath: sw.reason === 'next-not-empty' ? sw.nextPath : busy.path };
      logs.push(msg.switched(extentName(sw.toPath)), msg.fileNumberSinceBegin(sw.seq));
      switched = true;
      dirty = true;
      busy = files[busyIndex(mb)];
    }
    aiPath = busy?.path ?? null;
  }
  appendData(dataExtent(mb).path, { trid, ops });
  appendBi(biExtent(mb).path, trid, now);
  if (aiPath !== null) appendAiTx(aiPath, tx);
  mb.backup.changedSinceBackup = true;
  return { kind: 'ok', switched, seq: mb.ai.currentSeq, logs, dirty };
}

/** Commit up to `batch.length` transactions in one lock hold; stops at the first that cannot commit. */
export function commitBatch(paths: DbPaths, firstTrid: number, batch: readonly [string, string][][], now: number): { results: CommitOutcome[] } {
  const mb = readMaster(paths);
  const results: CommitOutcome[] = [];
  let dirty = false;
  for (const [i, ops] of batch.entries()) {
    const r = commitTx(mb, firstTrid + i, ops, now);
    results.push(r);
    if (r.kind !== 'ok') break;
    dirty ||= r.dirty;
  }
  if (dirty) writeMaster(paths, mb);
  return { results };
}
