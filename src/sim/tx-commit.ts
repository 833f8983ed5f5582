// Writing one note group (broker side, under the lock): data extent, BI note, AI notes in
// the BUSY extent, switching to the next EMPTY extent when the busy one is full
// (3777/3778), or reporting "AI full" when none is EMPTY (docs/openedge.md §7). A group may
// be a whole transaction or a part of one that stays active across other groups (and
// across a switch).
import { statSync } from 'node:fs';
import { aiBytes, appendAiTx, txLine, type NotePart, type TxNote } from './ai-file.js';
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
  | { kind: 'ai-full'; nextPath: string }
  /** The BI reached the broker's -bithold: with -bistall the broker quiesced the database (biStall), else it must shut down. */
  | { kind: 'bi-threshold'; stall: boolean; thresholdMb: number };

/** A note group to write: `begin` is the transaction's begin time (now for `tx`/`begin`). */
export interface NoteSpec {
  part: NotePart;
  trid: number;
  begin: number;
  ops: [string, string][];
}

// Under a requested quiet point (state 1) the groups that end a transaction still go
// through: the broker waits for the transactions holding the update lock to finish
// (docs/openedge.md §5, KB P99512); new work waits. Under an enabled one nothing is written.
function blockedByQuiet(mb: MasterBlock, part: NotePart): boolean {
  // enabled, a disable not yet done (3), or a threshold change under an enabled one (4)
  if (mb.quiet.state === 2 || mb.quiet.state === 3 || (mb.quiet.state === 4 && mb.quiet.prior === 2)) return true;
  return mb.quiet.state === 1 && part !== 'end' && part !== 'undo';
}

/**
 * -bithold reached (docs/openedge.md §5): with -bistall the broker quiets the database itself
 * (a quiet point of its own, biStall, that only `proquiet bithreshold` ends); without, the
 * caller shuts the database down. Null while the BI is below the threshold.
 */
function biThreshold(mb: MasterBlock): CommitOutcome | null {
  if (mb.bi === undefined || mb.bi.thresholdMb <= 0) return null;
  if (biSize(mb) < mb.bi.thresholdMb * 1024 * 1024) return null;
  if (mb.bi.stall) mb.quiet = { ...mb.quiet, state: 2, nolock: false, biStall: true };
  return { kind: 'bi-threshold', stall: mb.bi.stall, thresholdMb: mb.bi.thresholdMb };
}

/** Bytes in the BI extent now. */
export function biSize(mb: MasterBlock): number {
  try {
    return statSync(biExtent(mb).path).size;
  } catch {
    return 0;
  }
}

/** Try to write one note group with update counter `u` into `mb` (caller holds the lock and writes `mb` when dirty). */
export function commitTx(mb: MasterBlock, u: number, spec: NoteSpec, now: number): CommitOutcome {
  if (blockedByQuiet(mb, spec.part)) return { kind: 'quiet' };
  // backouts still go through: they are what recovery needs the room for
  if (spec.part !== 'undo') {
    const bi = biThreshold(mb);
    if (bi !== null) return bi;
  }
  const { trid, ops } = spec;
  const tx: TxNote = {
    t: spec.part,
    u,
    trid,
    begin: spec.part === 'tx' || spec.part === 'begin' ? now : spec.begin,
    end: now,
    ops,
  };
  const logs: Msg[] = [];
  let dirty = !mb.backup.changedSinceBackup;
  let switched = false;
  let aiPath: string | null = null;
  let aiFixed = false;
  if (mb.ai.enabled) {
    const files = aiExtents(mb);
    let busy = files[busyIndex(mb)];
    if (
      busy !== undefined &&
      aiBytes(busy.path, busy.kind === 'fixed') + txLine(tx).length + TRAILER_ROOM > busy.sizeKb * 1024
    ) {
      const sw = switchAi(mb, now);
      if (!sw.ok) return { kind: 'ai-full', nextPath: sw.reason === 'next-not-empty' ? sw.nextPath : busy.path };
      logs.push(msg.switched(extentName(sw.toPath)), msg.fileNumberSinceBegin(sw.seq));
      switched = true;
      dirty = true;
      busy = files[busyIndex(mb)];
    }
    aiPath = busy?.path ?? null;
    aiFixed = busy?.kind === 'fixed';
  }
  appendData(dataExtent(mb).path, { trid, u, ops, p: spec.part });
  appendBi(biExtent(mb).path, trid, now, spec.part);
  if (aiPath !== null) appendAiTx(aiPath, tx, aiFixed);
  mb.backup.changedSinceBackup = true;
  return { kind: 'ok', switched, seq: mb.ai.currentSeq, logs, dirty };
}

/** Write up to `batch.length` groups (counters from `firstU`) in one lock hold; stops at the first that cannot be written. */
export function commitBatch(
  paths: DbPaths,
  firstU: number,
  batch: readonly NoteSpec[],
  now: number,
): { results: CommitOutcome[] } {
  const mb = readMaster(paths);
  const results: CommitOutcome[] = [];
  let dirty = false;
  for (const [i, spec] of batch.entries()) {
    const r = commitTx(mb, firstU + i, spec, now);
    results.push(r);
    if (r.kind === 'bi-threshold' && r.stall) dirty = true; // the stall's quiet point is in the master block
    if (r.kind !== 'ok') break;
    dirty ||= r.dirty;
  }
  if (dirty) writeMaster(paths, mb);
  return { results };
}
