// rfutil -C roll forward [retry]: the first run disables AI (663…846) before it looks
// at the file; each file must carry the expected sequence (8019) and, unless retrying,
// expect the db's last-changed date (831/832/833); then its transactions are applied
// to the data extent named by the control area. endtime stops inside a file (17923).
// Each note must fit the database it is applied to (the update counter check, 1028): a
// note's transaction must follow the last one in the data extent. A file cut short (9333)
// or with a broken note (1029) is applied up to the defect and leaves the database
// partially rolled forward: the sequence does not advance and only retry continues. With
// `-i` (no integrity) a failure cannot be recovered: every later roll forward gets 4554.
// `oplock` protects the target between sessions (refusals: db-open.ts refuseUnderOplock) until a
// session leaves no transaction active, or `roll opunlock` runs crash recovery and ends the roll
// forward for good.
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { readAiFile, type AiDefect, type AiFile, type TxNote } from './ai-file.js';
import { headerMessages, trailerMessages, verboseNotes } from './ai-report.js';
import { disableAi } from './ai-switch.js';
import { recoverOffline } from './crash-recovery.js';
import { activeTrids, appendData, counterOf, lastLine, readData, type DataTx } from './data-file.js';
import { oeDate } from './dates.js';
import {
  dataExtent,
  readMaster,
  updateMasterSync,
  withLockSync,
  writeMaster,
  type MasterBlock,
} from './master-block.js';
import { msg, screen, type Msg } from './messages.js';
import type { DbPaths } from './paths.js';
import type { Session } from './session.js';

export interface RollForwardOptions {
  retry: boolean;
  verbose: boolean;
  endtime: number | null;
  /** `-a file` */
  file: string | null;
  /** `-ailist listfile` */
  list: string | null;
  /** `-i`: no integrity (no crash recovery, no retry if it fails: docs/openedge.md §4.30). */
  noInteg?: boolean;
  /** `oplock`: protect the target until `roll opunlock` (docs/openedge.md §4.41). */
  oplock?: boolean;
}

const COMMENT = /^[:#*]/;

/** The files of an -ailist, sorted by sequence; non-AI files are warned about and skipped. */
interface Opened {
  path: string;
  file: AiFile;
  defect: AiDefect | null;
}

function listFiles(s: Session, listPath: string): Opened[] {
  let text: string;
  try {
    text = readFileSync(resolve(listPath), 'utf8');
  } catch {
    return s.fail(msg.cannotOpen(resolve(listPath)));
  }
  const out: Opened[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.length === 0 || COMMENT.test(line)) continue;
    const path = resolve(line);
    const r = readAiFile(path);
    if (r.kind === 'ok') out.push({ path, file: r.file, defect: r.defect });
    else s.say(msg.skippedNotAi(path), 'W');
  }
  return out.sort((a, b) => a.file.header.seqno - b.file.header.seqno);
}

function openFile(s: Session, path: string): Opened {
  const r = readAiFile(path);
  if (r.kind === 'ok') return { path, file: r.file, defect: r.defect };
  const why: Msg =
    r.kind === 'missing' ? msg.cannotOpen(path) : r.kind === 'empty' ? msg.emptyAiFile(path) : msg.notAiFile(path);
  return s.fail([why, msg.rfOpenError(path)]);
}

// The open checks, in the order the engine makes them (docs/openedge.md §4, [I]).
function checkFile(s: Session, mb: MasterBlock, path: string, f: AiFile, retry: boolean): void {
  const h = f.header;
  // a master block without an AI sequence (aimage end) expects file 1: the engine takes 0 as 1 (docs/openedge.md §4, S40)
  const expected = Math.max(1, mb.ai.expectedSeq);
  if (h.seqno !== expected) {
    s.fail([msg.expectedAiFile(expected, h.seqno), ...(retry ? [] : [msg.datesMismatch()]), msg.rfOpenError(path)]);
  }
  if (!retry && h.expectedLstmod !== mb.lstmod) {
    s.fail([
      msg.lastChanged(oeDate(mb.lstmod)),
      msg.aiExpected(oeDate(h.expectedLstmod)),
      msg.datesMismatch(),
      msg.rfOpenError(path),
    ]);
  }
}

function setFlags(paths: DbPaths, fn: (mb: MasterBlock) => void): void {
  updateMasterSync(paths, fn);
}

// The update counter check, made before anything is applied: the first group to apply must
// carry the counter that follows the database's last one. A retry first skips what the
// interrupted run applied (the groups up to the database's counter, the last of which must be
// the one the database holds); but when the database changed since this file began (its
// lstmod moved: it was opened and crash recovery backed transactions out, or an ordinary
// error was retried past its timestamp check), the notes no longer fit its blocks (KB
// 000046795). Either way: 1028 + 8999, nothing applied.
function sameGroup(note: TxNote | undefined, line: DataTx | null): boolean {
  return note !== undefined && line !== null && note.trid === line.trid && note.t === (line.p ?? 'tx');
}

function notesToApply(s: Session, mb: MasterBlock, target: string, f: AiFile, retry: boolean): TxNote[] {
  const lastApplied = lastLine(target);
  const last = lastApplied === null ? 0 : counterOf(lastApplied);
  const skipped = retry ? f.txs.filter((tx) => tx.u <= last) : [];
  const txs = retry ? f.txs.filter((tx) => tx.u > last) : f.txs;
  const first = txs[0];
  const changed =
    retry && (mb.lstmod !== f.header.expectedLstmod || (skipped.length > 0 && !sameGroup(skipped.at(-1), lastApplied)));
  if (first !== undefined && (changed || first.u - 1 !== last)) {
    s.fail([msg.applyNote(last, first.u - 1), msg.noteLocation(7, first.trid * 32, 34)]);
  }
  return txs;
}

function defectMessage(d: AiDefect): Msg {
  return d.kind === 'truncated' ? msg.incompleteAi(d.expectedBlocks, d.gotBlocks) : msg.noteCounts();
}

// Apply one file; returns true when an endtime was located inside it.
function applyFile(s: Session, paths: DbPaths, opened: Opened, o: RollForwardOptions, retry: boolean): boolean {
  const { path, file: f, defect } = opened;
  const mb = readMaster(paths);
  checkFile(s, mb, path, f, retry);
  s.say([msg.beginProcessing(path), ...headerMessages(f)]);
  // The completeness check is part of opening the file (docs/openedge.md §4, rlaiopn): said before any note is applied.
  if (defect?.kind === 'truncated') s.say(defectMessage(defect), 'E');
  const target = dataExtent(mb).path;
  let txs: TxNote[] = notesToApply(s, mb, target, f, retry);
  const located = o.endtime !== null && f.txs.some((tx) => tx.end >= (o.endtime ?? 0));
  if (o.endtime !== null) txs = txs.filter((tx) => tx.end < (o.endtime ?? 0));
  setFlags(paths, (m) => {
    m.roll.started = true;
    m.roll.partial = { path, seq: f.header.seqno };
    if (o.noInteg === true) m.roll.noInteg = true;
  });
  const half = s.fault?.mode === 'crash-half' ? Math.max(1, Math.floor(txs.length / 2)) : txs.length;
  txs.slice(0, half).forEach((tx) => appendData(target, { trid: tx.trid, u: tx.u, ops: tx.ops, p: tx.t }));
  if (s.fault?.mode === 'crash-half') s.die();
  if (o.verbose) for (const tx of txs) verboseNotes(tx, userInfo().username).forEach((m) => s.print(screen(m)));
  if (defect !== null) {
    // DBROLL_PARTIAL stays set and the sequence does not move, "so if the user happens to
    // find the correct, full ai file they can retry" (docs/openedge.md §4, S40).
    setFlags(paths, (m) => {
      m.roll.started = false;
      m.backup.changedSinceBackup = true;
    });
    s.say(trailerMessages(txs));
    s.fail(defect.kind === 'truncated' ? [] : [defectMessage(defect)]);
  }
  setFlags(paths, (m) => {
    m.ai.expectedSeq = f.header.seqno + 1;
    m.lstmod = f.closeLstmod ?? Date.now();
    m.roll.started = false;
    m.roll.partial = null;
    delete m.roll.noInteg;
    m.backup.changedSinceBackup = true;
    if (located) m.roll.endtimeLocated = o.endtime;
  });
  s.crashPoint();
  s.say([...trailerMessages(txs), msg.rfCompleted(path)]);
  if (located) s.say(msg.rollLocated(oeDate(o.endtime ?? 0)));
  return located;
}

/** Run `roll forward` / `roll forward retry` on a db already opened single-user. */
export async function rollForward(s: Session, paths: DbPaths, o: RollForwardOptions): Promise<void> {
  const first = o.file ?? o.list ?? '';
  await s.gate([msg.rfOpenError(resolve(first))]);
  const mb = readMaster(paths);
  if (mb.ai.enabled) {
    // The first roll forward turns AI off before anything else, even if the file is then refused.
    withLockSync(paths, () => {
      const m = readMaster(paths);
      disableAi(m);
      writeMaster(paths, m);
    });
    s.say([msg.rfWarning(), msg.rfReenable(), msg.rfContinued(), msg.rfAiMgmtDisabled(), msg.aiDisabled()], 'W');
  }
  if (mb.roll.opunlocked === true) s.fail(msg.rollAfterOpunlock());
  if (o.oplock === true) {
    // the protection is set before any file is read, and stays whatever happens to this session
    setFlags(paths, (m) => {
      m.roll.oplock = true;
    });
    s.say(msg.oplockLocked());
  }
  const files = o.list !== null ? listFiles(s, o.list) : [openFile(s, resolve(o.file ?? ''))];
  // a `-i` roll forward that failed or was killed left transactions the database cannot
  // recover: its transaction table no longer matches any file, retry included (KB P61656)
  if (mb.roll.noInteg === true) s.fail(msg.tranTableMismatch());
  const partial = mb.roll.partial;
  if (partial !== null) {
    if (!o.retry) s.fail(msg.retryRequired(partial.path, partial.seq));
    if (files[0]?.file.header.seqno !== partial.seq) s.fail(msg.retryWrongFile(partial.path, partial.seq));
  }
  for (const [i, opened] of files.entries()) {
    if (applyFile(s, paths, opened, o, o.retry && i === 0)) break;
  }
  if (o.oplock === true || mb.roll.oplock === true) liftOplockWhenRecovered(s, paths);
}

/**
 * "At the end of the final roll forward or roll forward retry session (after all the phases of
 * crash recovery have been finished) the protection is automatically turned off" (docs/openedge.md
 * §4.41). The simulator reads "finished" as: no transaction is left active in the blocks, so an
 * open would have nothing to back out [I].
 */
function liftOplockWhenRecovered(s: Session, paths: DbPaths): void {
  const lifted = updateMasterSync(paths, (m) => {
    if (m.roll.oplock !== true || activeTrids(readData(dataExtent(m).path)).length > 0) return false;
    delete m.roll.oplock;
    return true;
  });
  if (lifted) s.say(msg.oplockUnlocked());
}

/** `roll opunlock`: lift the protection and complete crash recovery; no roll forward after it (docs/openedge.md §4.41). */
export async function rollOpunlock(s: Session, paths: DbPaths): Promise<void> {
  await s.gate([msg.notOplocked(paths.base)]);
  const logs = updateMasterSync(paths, (m): Msg[] | null => {
    if (m.roll.oplock !== true) return null;
    delete m.roll.oplock;
    m.roll.opunlocked = true;
    return recoverOffline(m, Date.now());
  });
  if (logs === null) s.fail(msg.notOplocked(paths.base));
  s.crashPoint();
  s.say([...logs, msg.oplockUnlocked()]);
}
