// Crash recovery when a database is opened (proserve, truncate bi): the transactions its
// blocks hold that never ended (a crashed or quiet-point copy, a partially rolled-forward
// copy, a broker killed by -byF) are backed out. Each backout is a note group of its own
// (data, BI and, when AI is on, the BUSY AI extent, as real backouts are logged), so the
// update counter moves: the next AI file of a roll forward no longer fits (1028), and only a
// new restore helps (docs/openedge.md §4, S8). Message numbers and texts from a public .lg
// parser (docs/simulator.md, crash recovery row); their order is the simulator's choice.
import { activeTrids, appendBi, appendData, lastCounter, readData } from './data-file.js';
import { biExtent, dataExtent, type MasterBlock } from './master-block.js';
import { msg, type Msg } from './messages.js';
import { biSize, commitTx } from './tx-commit.js';

export interface Recovery {
  /** The transactions backed out, in begin order. */
  backedOut: number[];
  /** What the open logs (empty when nothing needed recovering). */
  logs: Msg[];
}

/** Write one backout group per transaction in `trids` (counters from `firstU`); returns the next counter. */
export function backOut(
  mb: MasterBlock,
  trids: readonly number[],
  firstU: number,
  now: number,
): { nextU: number; logs: Msg[] } {
  let u = firstU;
  const logs: Msg[] = [];
  for (const trid of trids) {
    const r = commitTx(mb, u, { part: 'undo', trid, begin: now, ops: [] }, now);
    if (r.kind === 'ok') logs.push(...r.logs);
    else {
      // no room in AI (or a stale quiet state): the backout still reaches the blocks and the BI
      appendData(dataExtent(mb).path, { trid, u, ops: [], p: 'undo' });
      appendBi(biExtent(mb).path, trid, now, 'undo');
    }
    u += 1;
  }
  return { nextU: u, logs };
}

/**
 * Recover `mb`'s database at open (caller holds the lock and writes `mb` afterwards): redo
 * (nothing to redo: every group reached the blocks) and undo of the active transactions.
 * Nothing is logged for a database that was closed cleanly and holds no active transaction.
 */
export function recoverAtOpen(mb: MasterBlock, now: number): Recovery {
  const data = dataExtent(mb).path;
  const active = activeTrids(readData(data));
  if (!needsRecovery(mb, active)) return { backedOut: [], logs: [] };
  const bi = biSize(mb);
  const block = Math.floor(bi / mb.blockSize);
  const offset = bi % mb.blockSize;
  const last = lastCounter(data);
  const logs: Msg[] = [msg.redoBegin(block), msg.redoDone(block, offset, last)];
  if (active.length > 0) {
    logs.push(msg.physicalUndo(active.length, block, offset), msg.logicalUndo(active.length));
    logs.push(...backOut(mb, active, last + 1, now).logs);
    logs.push(msg.logicalUndoDone());
  }
  return { backedOut: active, logs };
}

/** True when opening `mb`'s database runs crash recovery: it was not closed cleanly, or its blocks hold transactions that never ended. */
export function needsRecovery(
  mb: MasterBlock,
  active: readonly number[] = activeTrids(readData(dataExtent(mb).path)),
): boolean {
  return mb.state !== 'closed' || active.length > 0;
}

/**
 * An offline utility opens the database and closes it again (truncate bi, roll opunlock): crash
 * recovery backs out what was active, and the master block is closed and changed now. Returns
 * what the open logs (caller holds the lock and writes `mb` afterwards).
 */
export function recoverOffline(mb: MasterBlock, now: number): Msg[] {
  const r = recoverAtOpen(mb, now);
  mb.state = 'closed';
  mb.shmId = null;
  mb.lstmod = now;
  return r.logs;
}
