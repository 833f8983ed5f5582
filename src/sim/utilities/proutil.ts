// proutil db-name -C { busy | holder | truncate bi | describe |
//                      enablesitereplication {source|target} | disablesitereplication {source|target} }
import { oeDate } from '../dates.js';
import { lkState, openSingleUser, refuseUnderOplock, requireDb } from '../db-open.js';
import { LK_CRASH_RECOVERY } from '../lk-file.js';
import { truncateBiFile } from '../data-file.js';
import { aiExtents, biExtent, updateMasterSync, type MasterBlock } from '../master-block.js';
import { msg, screen } from '../messages.js';
import { Exit, type Session } from '../session.js';
import type { DbPaths } from '../paths.js';
import { busyIndex } from '../ai-switch.js';
import { recoverOffline } from '../crash-recovery.js';
import { releaseReplicationStates } from '../replication.js';

const SYNTAX =
  'proutil db-name -C { busy | holder | truncate bi | describe | enablesitereplication source|target | disablesitereplication source|target }';

// busy/holder read only the .lk (docs/openedge.md §3, KB 000035390): a left-over .lk reads "in use".
function busy(s: Session, paths: DbPaths, mb: MasterBlock): never {
  const st = lkState(paths);
  if (st.kind === 'none') {
    s.print(screen(msg.notInUse(paths.base)));
    throw new Exit(0);
  }
  // a broker still opening it: before the master block says open, or in crash recovery (mode 5) [I]
  if ((st.info.mode === 2 && mb.state !== 'open') || st.info.mode === LK_CRASH_RECOVERY) {
    s.print(screen(msg.startingUp(paths.base)));
    throw new Exit(64);
  }
  s.print(screen(st.info.mode === 1 ? msg.inUseSingle(paths.base) : msg.inUseMulti(paths.base)));
  throw new Exit(6);
}

function holder(s: Session, paths: DbPaths): never {
  const st = lkState(paths);
  if (st.kind === 'none') {
    s.print(screen(msg.notInUse(paths.base)));
    throw new Exit(0);
  }
  if (st.info.mode === 2 || st.info.mode === LK_CRASH_RECOVERY) {
    s.print(screen(msg.inUseMulti(paths.base)));
    throw new Exit(16);
  }
  s.print(screen(msg.inUseSingle(paths.base)));
  throw new Exit(14);
}

async function truncateBi(s: Session, paths: DbPaths): Promise<void> {
  const mb = openSingleUser(s, paths);
  refuseUnderOplock(s, mb);
  await s.gate([msg.inUseMulti(paths.base)]);
  // it opens the database: crash recovery backs out what was active before the BI goes (docs/openedge.md §3)
  const recovery = updateMasterSync(paths, (m) => recoverOffline(m, Date.now()));
  truncateBiFile(biExtent(mb).path);
  s.crashPoint();
  s.say([...recovery, msg.biTruncated()]);
}

const na = (d: number | null): string => (d === null ? '*** Not yet performed ***' : oeDate(d));
const label = (name: string, value: string | number, indent = 0): string =>
  `${' '.repeat(indent)}${name.padEnd(28 - indent)}: ${value}`;

/** The `proutil -C describe` text (docs/openedge.md §3 layout). */
export function describeText(paths: DbPaths, mb: MasterBlock): string[] {
  const lines = [
    'OpenEdge Database Description',
    '',
    label('Database Name', paths.base),
    label('Version', '173.0'),
    label('Block Size', mb.blockSize),
    label('Largest Cluster', 64),
    label('Create Date', oeDate(mb.createDate)),
    label('Last Open Date', na(mb.lastOpenDate)),
    label('Prior Open Date', na(mb.priorOpenDate)),
    label('Schema Change Date', oeDate(mb.createDate)),
    '',
    ' Before Imaging information',
    label('Block Size', mb.blockSize, 2),
    label('Cluster Size (16K Units)', 32, 2),
    label('Last Open Date', na(mb.lastOpenDate), 2),
    '',
  ];
  if (mb.ai.enabled) {
    const b = busyIndex(mb);
    const busyArea = aiExtents(mb)[b]?.areaNum ?? 0;
    lines.push(
      ' After Imaging Information',
      label('Block Size', mb.blockSize, 2),
      label('Begin Date', na(mb.ai.beginDate), 2),
      label('Last AIMAGE NEW', na(mb.ai.lastNewDate), 2),
      label('Currently Busy Area', busyArea, 2),
      label('Current File Number', mb.ai.currentSeq, 2),
      '',
    );
  }
  lines.push(
    ' Backup Information',
    label('Last Full Backup Date', na(mb.backup.lastDate), 2),
    label('Last Incremental Backup', na(null), 2),
    '',
    ' Database Features',
    '',
    '    ID   Feature                            Active  Details',
    '  ----  ---------------------------------  ------  -------',
  );
  const features: [number, string, string][] = [
    [5, 'Large Files', ''],
    [9, '64 Bit DBKEYS', ''],
    [10, 'Large Keys', ''],
    [11, '64 Bit Sequences', ''],
  ];
  if (mb.replication !== 'none')
    features.push([1, 'OpenEdge Replication', mb.replication === 'source' ? 'Source' : 'Target']);
  if (mb.ai.archiver) features.push([7, 'AI Archiver', '']);
  for (const [id, name, details] of features.sort((a, b) => a[0] - b[0])) {
    lines.push(`  ${String(id).padStart(4)}  ${name.padEnd(33)}  ${'Yes'.padEnd(6)}  ${details}`.trimEnd());
  }
  return lines;
}

async function replication(
  s: Session,
  paths: DbPaths,
  verb: 'enable' | 'disable',
  role: string | undefined,
): Promise<void> {
  if (role !== 'source' && role !== 'target')
    s.fail(msg.usage('proutil', `${verb}sitereplication needs source or target`, SYNTAX));
  openSingleUser(s, paths);
  await s.gate([msg.replicationWrongRole(role, 'unchanged')]);
  const current = updateMasterSync(paths, (mb) => {
    const before = mb.replication;
    if (verb === 'enable' && before === 'none') mb.replication = role;
    if (verb === 'disable' && before === role) {
      mb.replication = 'none';
      releaseReplicationStates(mb);
    }
    return before;
  });
  if (verb === 'enable' && current !== 'none') s.fail(msg.replicationWrongRole('none', current));
  if (verb === 'disable' && current !== role) s.fail(msg.replicationWrongRole(role, current));
  s.crashPoint();
  s.say(verb === 'enable' ? msg.replicationEnabled(role) : msg.replicationDisabled(role));
}

/** Dispatch on the qualifier. */
export async function run(s: Session): Promise<void> {
  const { paths, mb } = requireDb(s, s.args[0]);
  s.src = { tag: 'PROUTIL', usr: 5 };
  const c = s.args.findIndex((a) => a === '-C' || a === '-c');
  const q = c < 0 ? [] : s.args.slice(c + 1).map((a) => a.toLowerCase());
  const what = q.join(' ');
  if (what === 'busy') {
    await s.gate([msg.inUseMulti(paths.base)]);
    busy(s, paths, mb);
  }
  if (what === 'holder') {
    await s.gate([msg.inUseMulti(paths.base)]);
    holder(s, paths);
  }
  if (q[0] === 'truncate' && q[1] === 'bi') return truncateBi(s, paths);
  if (what === 'describe') {
    await s.gate([msg.cannotOpen(paths.dbFile)]);
    for (const line of describeText(paths, mb)) s.print(line);
    return;
  }
  if (q[0] === 'enablesitereplication' && q.length === 2) return replication(s, paths, 'enable', q[1]);
  if (q[0] === 'disablesitereplication' && q.length === 2) return replication(s, paths, 'disable', q[1]);
  s.fail(msg.usage('proutil', `unknown qualifier "${what}"`, SYNTAX));
}
