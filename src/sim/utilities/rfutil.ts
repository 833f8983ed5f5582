// rfutil db-name -C { aimage begin|end|new|list|extent list|extent full|extent empty [n|path]
//                    | aimage query <opt> by <search> <value> | aimage scan [verbose] -a file
//                    | mark backedup | sequence | roll forward [retry] [oplock] … | roll opunlock
//                    | aiarchiver enable|disable }
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { archiveExtent } from '../archive.js';
import { archiverParams, enableArchiver } from '../archiver.js';
import { emptyAiFile, preallocOf, readAiFile } from '../ai-file.js';
import {
  aiViews,
  findExtent,
  headerMessages,
  listBlock,
  QUERY_OPTIONS,
  queryValue,
  trailerMessages,
  verboseNotes,
  type QueryOption,
} from '../ai-report.js';
import { beginAi, disableAi, extentName, switchAi } from '../ai-switch.js';
import { parseEndtime } from '../dates.js';
import { openOnlineOrSingle, openSingleUser, requireDb } from '../db-open.js';
import { aiExtents, updateMasterSync, type MasterBlock } from '../master-block.js';
import { msg, screen, type Msg } from '../messages.js';
import type { DbPaths } from '../paths.js';
import { rollForward, rollOpunlock, type RollForwardOptions } from '../roll-forward.js';
import type { Session } from '../session.js';

const SYNTAX =
  'rfutil db-name -C { aimage begin|end|new|list|extent list|extent full|extent empty [n|path]|query <opt> by <search> <value>|scan [verbose] -a file | mark backedup | sequence | roll forward [retry] [oplock] [verbose] [endtime yyyy:mm:dd:hh:mm:ss] [-B n] [-r] [-i] {-a file|-ailist list} | roll opunlock | aiarchiver enable -aiarcdir dirs [-aiarcinterval n] [-aiarcdircreate]|disable|end|setdir dirs|setinterval n | aiarchive extent <n|path> <target> }';

function usage(s: Session, detail: string): never {
  return s.fail(msg.usage('rfutil', detail, SYNTAX));
}

async function aimageBegin(s: Session, paths: DbPaths): Promise<void> {
  const mb = openSingleUser(s, paths);
  if (mb.ai.enabled) s.fail(msg.aiAlreadyEnabled(paths.base));
  if (mb.backup.changedSinceBackup) s.fail(msg.modifiedSinceBackup());
  await s.gate([msg.modifiedSinceBackup()]);
  updateMasterSync(paths, (m) => beginAi(m, Date.now()));
  s.crashPoint();
  s.say(msg.aiBegun());
}

async function aimageEnd(s: Session, paths: DbPaths): Promise<void> {
  const mb = openSingleUser(s, paths);
  if (!mb.ai.enabled) s.fail(msg.aiNotEnabled(paths.base));
  await s.gate([msg.aiNotEnabled(paths.base)]);
  updateMasterSync(paths, (m) => {
    aiExtents(m).forEach((f) => emptyAiFile(f.path, preallocOf(f)));
    m.ai.extents = m.ai.extents.map(() => ({ status: 'Empty', seqno: 0, startDate: null, lastOp: null }));
    // no AI sequence any more: the next begin starts at 1, and a roll forward takes 0 as 1 (S40)
    m.ai.currentSeq = 0;
    m.ai.expectedSeq = 0;
    disableAi(m);
  });
  s.crashPoint();
  s.say(msg.aiDisabled());
}

async function aimageNew(s: Session, paths: DbPaths, mb: MasterBlock): Promise<void> {
  if (!mb.ai.enabled) s.fail(msg.aiNotEnabled(paths.base));
  openOnlineOrSingle(s, paths);
  const nextOf = (m: MasterBlock): string => {
    const files = aiExtents(m);
    const b = m.ai.extents.findIndex((e) => e.status === 'Busy');
    return files[(b + 1) % Math.max(1, files.length)]?.path ?? '';
  };
  await s.gate([msg.cannotSwitch(extentName(nextOf(mb)))]);
  const r = updateMasterSync(paths, (m) => switchAi(m, Date.now()));
  if (!r.ok)
    s.fail(
      r.reason === 'disabled'
        ? msg.aiNotEnabled(paths.base)
        : msg.cannotSwitch(extentName(r.reason === 'next-not-empty' ? r.nextPath : nextOf(mb))),
    );
  s.crashPoint();
  s.say([msg.switched(extentName(r.toPath)), msg.fileNumberSinceBegin(r.seq)]);
}

async function aimageList(s: Session, mb: MasterBlock): Promise<void> {
  await s.gate([msg.aiNotEnabled(s.args[0] ?? '')]);
  if (!mb.ai.enabled) return;
  for (const v of aiViews(mb)) for (const line of listBlock(v)) s.print(line);
}

async function extentFull(s: Session, mb: MasterBlock): Promise<void> {
  await s.gate([msg.noFullExtent()]);
  const full = aiViews(mb)
    .filter((v) => v.status === 'Full')
    .sort((a, b) => a.seqno - b.seqno)[0];
  if (full === undefined) s.fail(msg.noFullExtent());
  s.print(full.path);
}

async function extentEmpty(s: Session, paths: DbPaths, which: string | undefined): Promise<void> {
  openOnlineOrSingle(s, paths);
  await s.gate([msg.noFullExtent()]);
  const r = updateMasterSync(paths, (m) => {
    // refused while AI File Management is enabled: the archiver owns the FULL extents (docs/openedge.md §4)
    if (m.ai.archiver) return msg.emptyRefusedArchiver();
    const views = aiViews(m);
    const v =
      which === undefined
        ? views.filter((x) => x.status === 'Full').sort((a, b) => a.seqno - b.seqno)[0]
        : /^\d+$/.test(which)
          ? views.find((x) => String(x.extent) === which)
          : views.find((x) => x.path === which || basename(x.path) === which);
    if (v === undefined) return which === undefined ? msg.noFullExtent() : msg.noSuchExtent(which);
    if (v.status !== 'Full') return msg.cannotEmpty(extentName(v.path), v.status);
    emptyAiFile(v.path, preallocOf(aiExtents(m)[v.extent - 1] ?? { kind: 'variable', sizeKb: 0 }));
    m.ai.extents[v.extent - 1] = { status: 'Empty', seqno: 0, startDate: null, lastOp: null };
    return v.path;
  });
  if (typeof r !== 'string') s.fail(r);
  s.crashPoint();
  s.say(msg.markedEmpty(extentName(r)));
}

async function query(s: Session, mb: MasterBlock, q: string[], raw: readonly string[]): Promise<void> {
  const [opt, by, search] = q.slice(2);
  const value = raw[5];
  if (
    opt === undefined ||
    !(QUERY_OPTIONS as readonly string[]).includes(opt) ||
    by !== 'by' ||
    value === undefined ||
    !['extnum', 'name', 'sequence'].includes(search ?? '')
  ) {
    usage(
      s,
      'aimage query needs <extnum|status|type|size|used|name|sequence|startdate|all> by <extnum|name|sequence> <value>',
    );
  }
  await s.gate([msg.noSuchExtent(value)]);
  if (!mb.ai.enabled) return;
  const v = findExtent(aiViews(mb), search ?? '', value);
  if (v === undefined) s.fail(msg.noSuchExtent(value));
  const o = opt as QueryOption;
  if (o === 'all') listBlock(v).forEach((l) => s.print(l));
  else s.print(queryValue(v, o));
}

async function scan(s: Session, raw: readonly string[]): Promise<void> {
  const a = raw.findIndex((t) => t === '-a');
  const file = a < 0 ? undefined : raw[a + 1];
  if (file === undefined) usage(s, 'aimage scan needs -a <ai-file>');
  await s.gate([msg.cannotOpen(file)]);
  const r = readAiFile(file);
  if (r.kind === 'missing') s.fail(msg.cannotOpen(file));
  if (r.kind === 'empty') s.fail(msg.emptyAiFile(file));
  if (r.kind === 'invalid') s.fail(msg.notAiFile(file));
  s.say(headerMessages(r.file));
  // A scan reads every note: a file cut short says 9333 at open, a broken note 1029 where it is met.
  if (r.defect?.kind === 'truncated') s.say(msg.incompleteAi(r.defect.expectedBlocks, r.defect.gotBlocks), 'E');
  if (raw.map((t) => t.toLowerCase()).includes('verbose')) {
    for (const tx of r.file.txs) verboseNotes(tx, userInfo().username).forEach((m) => s.print(screen(m)));
  }
  if (r.defect?.kind === 'damaged') s.fail(msg.noteCounts());
  s.say(trailerMessages(r.file.txs));
  if (r.defect !== null) s.fail([]);
}

async function markBackedup(s: Session, paths: DbPaths): Promise<void> {
  openOnlineOrSingle(s, paths);
  await s.gate([msg.cannotOpen(paths.dbFile)]);
  const counter = updateMasterSync(paths, (m) => {
    m.backup.counter += 1;
    m.backup.lastDate = Date.now();
    m.backup.changedSinceBackup = false;
    m.ai.expectedSeq = m.ai.currentSeq;
    return m.backup.counter;
  });
  s.crashPoint();
  s.say(msg.markedBackedUp(paths.base, counter));
}

async function sequence(s: Session, paths: DbPaths): Promise<void> {
  const mb = openSingleUser(s, paths);
  if (!mb.ai.enabled) s.fail(msg.sequenceRefused(paths.base));
  await s.gate([msg.sequenceRefused(paths.base)]);
  const [from, to] = updateMasterSync(paths, (m) => {
    const old = m.ai.expectedSeq;
    m.ai.expectedSeq = m.ai.currentSeq;
    return [old, m.ai.currentSeq] as const;
  });
  s.crashPoint();
  s.say(msg.aiSequenceChanged(from, to));
}

function rollOptions(s: Session, raw: readonly string[]): RollForwardOptions {
  const o: RollForwardOptions = { retry: false, verbose: false, endtime: null, file: null, list: null };
  for (let i = 2; i < raw.length; i++) {
    const t = raw[i] ?? '';
    const lower = t.toLowerCase();
    const next = raw[i + 1];
    if (lower === 'retry') o.retry = true;
    else if (lower === 'oplock') o.oplock = true;
    else if (lower === 'verbose') o.verbose = true;
    else if (lower === '-r') continue;
    else if (t === '-i') o.noInteg = true;
    else if (lower === '-b' && next !== undefined && /^\d+$/.test(next)) i++;
    else if (lower === 'endtime' && next !== undefined) {
      o.endtime = parseEndtime(next);
      if (o.endtime === null) usage(s, `endtime "${next}" is not yyyy:mm:dd:hh:mm:ss`);
      i++;
    } else if (t === '-a' && next !== undefined) {
      o.file = next;
      i++;
    } else if (lower === '-ailist' && next !== undefined) {
      o.list = next;
      i++;
    } else usage(s, `unexpected "${t}" in roll forward`);
  }
  if ((o.file === null) === (o.list === null))
    usage(s, 'roll forward needs exactly one of -a <ai-file> or -ailist <list-file>');
  return o;
}

// aiarchiver enable -aiarcdir d [-aiarcinterval n] [-aiarcdircreate] | disable | end | setdir d | setinterval n.
// The broker's daemon reads the master block, so a change here takes effect online (docs/openedge.md §7).
async function archiver(s: Session, paths: DbPaths, raw: readonly string[]): Promise<void> {
  const verb = raw[1]?.toLowerCase();
  const arg = raw[2];
  let change: (m: MasterBlock) => void;
  let said: Msg;
  if (verb === 'enable') {
    const p = archiverParams(raw, 'rfutil');
    if (p === null || 'text' in p)
      return s.fail(p ?? msg.usage('rfutil', 'aiarchiver enable needs -aiarcdir <dir[,dir…]>', SYNTAX));
    change = (m) => enableArchiver(m, p);
    said = msg.archiverEnabled(p.dirs.join(','));
  } else if (verb === 'disable' || verb === 'end') {
    change = (m) => {
      m.ai.archiver = false;
    };
    said = verb === 'disable' ? msg.archiverDisabled() : msg.archiverEnded();
  } else if (verb === 'setdir' && arg !== undefined && raw.length === 3) {
    change = (m) => {
      m.ai.archiveDirs = arg.split(',');
    };
    said = msg.archiverEnabled(arg);
  } else if (verb === 'setinterval' && arg !== undefined && raw.length === 3) {
    const n = /^\d+$/.test(arg) ? Number(arg) : NaN;
    if (!(n === 0 || (n >= 120 && n <= 86400))) return s.fail(msg.archiverBadInterval(arg));
    change = (m) => {
      m.ai.archiveInterval = n;
    };
    said = msg.archiverSetting(n === 0 ? 'switches on demand' : `switches every ${n} seconds`);
  } else
    return usage(
      s,
      'aiarchiver enable -aiarcdir <dirs> [-aiarcinterval n] [-aiarcdircreate] | disable | end | setdir <dirs> | setinterval <n>',
    );
  openOnlineOrSingle(s, paths);
  await s.gate([msg.aiNotEnabled(paths.base)]);
  const ok = updateMasterSync(paths, (m) => {
    if (!m.ai.enabled) return false;
    change(m);
    return true;
  });
  if (!ok) s.fail(msg.aiNotEnabled(paths.base));
  s.say(said);
}

// aiarchive extent <extent number|path> <target>: archive one FULL extent by hand (record
// 0003), online or offline; the target must not exist (docs/openedge.md §7).
async function aiarchiveExtent(s: Session, paths: DbPaths, which: string, target: string): Promise<void> {
  openOnlineOrSingle(s, paths);
  const to = resolve(target);
  await s.gate([msg.archiveTargetExists(to)]);
  const r = updateMasterSync(paths, (m) => {
    const views = aiViews(m);
    const v = /^\d+$/.test(which)
      ? views.find((x) => String(x.extent) === which)
      : views.find((x) => x.path === resolve(which) || basename(x.path) === which);
    if (v === undefined) return [msg.noSuchExtent(which)];
    if (v.status !== 'Full') return [msg.cannotEmpty(extentName(v.path), v.status)];
    if (existsSync(to)) return [msg.archiveTargetExists(to)];
    return { logs: archiveExtent(paths, m, v.extent - 1, to, '0003') };
  });
  if (Array.isArray(r)) s.fail(r);
  s.crashPoint();
  s.say(r.logs);
}

/** Dispatch on the qualifier words after -C. */
export async function run(s: Session): Promise<void> {
  const { paths, mb } = requireDb(s, s.args[0]);
  s.src = { tag: 'RFUTIL', usr: 5 };
  const c = s.args.findIndex((a) => a === '-C' || a === '-c');
  if (c < 0) usage(s, 'missing -C qualifier');
  const raw = s.args.slice(c + 1);
  const q = raw.map((t) => t.toLowerCase());
  const head = q.slice(0, 3).join(' ');
  if (q[0] === 'aimage') {
    if (head === 'aimage begin' && q.length === 2) return aimageBegin(s, paths);
    if (head === 'aimage end' && q.length === 2) return aimageEnd(s, paths);
    if (head === 'aimage new' && q.length === 2) return aimageNew(s, paths, mb);
    if ((head === 'aimage list' && q.length === 2) || (head === 'aimage extent list' && q.length === 3))
      return aimageList(s, mb);
    if (head === 'aimage extent full' && q.length === 3) return extentFull(s, mb);
    if (head === 'aimage extent empty' && q.length <= 4) return extentEmpty(s, paths, raw[3]);
    if (q[1] === 'query' && q.length === 6) return query(s, mb, q, raw);
    if (q[1] === 'scan') return scan(s, raw);
  }
  if (q.join(' ') === 'mark backedup') return markBackedup(s, paths);
  if (q.join(' ') === 'sequence') return sequence(s, paths);
  if (q.join(' ') === 'roll opunlock') {
    openSingleUser(s, paths);
    return rollOpunlock(s, paths);
  }
  if (q[0] === 'roll' && q[1] === 'forward') {
    const o = rollOptions(s, raw);
    openSingleUser(s, paths);
    return rollForward(s, paths, o);
  }
  if (q[0] === 'aiarchiver') return archiver(s, paths, raw);
  if (q[0] === 'aiarchive' && q[1] === 'extent' && q.length === 4)
    return aiarchiveExtent(s, paths, raw[2] ?? '', raw[3] ?? '');
  usage(s, `unknown qualifier "${raw.join(' ')}"`);
}
