// prostrct list db-name [st-file] | prostrct repair db-name [st-file] (docs/openedge.md §6).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { openSingleUser } from '../db-open.js';
import { requireKeyStore } from '../encryption.js';
import { masterExists, readMaster, updateMasterSync, type Extent, type MasterBlock } from '../master-block.js';
import { msg } from '../messages.js';
import { dbPaths, type DbPaths } from '../paths.js';
import { groupKey, parseSt, stText } from '../st-file.js';
import type { Session } from '../session.js';

const SYNTAX = 'prostrct { list | repair } db-name [structure-description-file]';

const areaTypeCode: Record<Extent['type'], number> = { b: 3, d: 6, a: 7 };

function fileKb(path: string): number {
  try {
    return Math.ceil(statSync(path).size / 1024);
  } catch {
    return 0;
  }
}

function areaLine(
  name: string,
  type: number,
  blockSize: number,
  extents: number,
  rpb: number,
  cluster: number,
): string {
  return `AreaName: ${name}, Type ${type}, Block Size ${blockSize}, Extents ${extents}, Records/Blck ${rpb}, Cluster Size ${cluster}`;
}

function extLine(n: number, e: { kind: string; sizeKb: number; path: string }): string {
  const size = e.kind === 'fixed' ? e.sizeKb : fileKb(e.path);
  return `   Ext # ${n}, Type ${e.kind === 'fixed' ? 'FIXED' : 'VARIABLE'}, Size ${size} KByte, Name: ${e.path}`;
}

function areaTitle(e: Extent): string {
  if (e.type === 'b') return 'Primary Recovery Area';
  return e.areaName;
}

/** The `prostrct list` text for a control area. */
export function listText(paths: DbPaths, mb: MasterBlock): string[] {
  const out = [
    areaLine('ControlArea', 6, 4096, 1, 32, 1),
    extLine(1, { kind: 'variable', sizeKb: 0, path: paths.dbFile }),
    '',
  ];
  const groups = new Map<string, Extent[]>();
  for (const e of mb.extents) {
    const key = `${e.type}:${e.areaNum}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  for (const list of groups.values()) {
    const first = list[0];
    if (first === undefined) continue;
    out.push(
      areaLine(
        areaTitle(first),
        areaTypeCode[first.type],
        mb.blockSize,
        list.length,
        first.recsPerBlock,
        first.clusterSize,
      ),
    );
    list.forEach((e, i) => out.push(extLine(i + 1, e)));
    out.push('');
  }
  return out;
}

function stPathOf(paths: DbPaths, arg: string | undefined): string {
  if (arg === undefined) return paths.st;
  const p = resolve(arg);
  return p.endsWith('.st') ? p : `${p}.st`;
}

async function list(s: Session, paths: DbPaths, stArg: string | undefined): Promise<void> {
  await s.gate([msg.prostrctNoDb(paths.dbFile)]);
  const mb = readMaster(paths);
  writeFileSync(stPathOf(paths, stArg), stText(mb.extents));
  for (const line of listText(paths, mb)) s.print(line);
}

async function repair(s: Session, paths: DbPaths, stArg: string | undefined): Promise<void> {
  // Held single-user, without requiring the old extent paths to exist: that is what repair fixes.
  openSingleUser(s, paths, false);
  const stPath = stPathOf(paths, stArg);
  if (!existsSync(stPath)) s.fail(msg.cannotOpen(stPath));
  const parsed = parseSt(readFileSync(stPath, 'utf8'));
  if ('bad' in parsed) s.fail(msg.usage('prostrct', `cannot read the structure line "${parsed.bad}"`, SYNTAX));
  const relative = parsed.lines.find((l) => !isAbsolute(l.path));
  if (relative !== undefined) s.fail([msg.noFileStatus(relative.path), msg.repairRelative(relative.path)]);
  const missing = parsed.lines.find((l) => !existsSync(l.path));
  if (missing !== undefined) s.fail(msg.cannotOpen(missing.path));
  const mb = readMaster(paths);
  const wanted = new Map<string, string[]>();
  for (const l of parsed.lines) {
    const k = groupKey(l.type, l.areaNum ?? (l.type === 'd' && l.areaName === 'Schema Area' ? 6 : null));
    wanted.set(k, [...(wanted.get(k) ?? []), l.path]);
  }
  const have = new Map<string, number>();
  for (const e of mb.extents) have.set(groupKey(e.type, e.areaNum), (have.get(groupKey(e.type, e.areaNum)) ?? 0) + 1);
  for (const [k, n] of have) {
    const got = wanted.get(k)?.length ?? 0;
    if (got !== n) s.fail(msg.repairMismatch(`${k} has ${n} extent(s) in the control area but ${got} in ${stPath}`));
  }
  for (const k of wanted.keys()) if (!have.has(k)) s.fail(msg.repairMismatch(`${k} is not in the control area`));
  await s.gate([msg.cannotOpen(stPath)]);
  updateMasterSync(paths, (m) => {
    const used = new Map<string, number>();
    for (const e of m.extents) {
      const k = groupKey(e.type, e.areaNum);
      const i = used.get(k) ?? 0;
      e.path = wanted.get(k)?.[i] ?? e.path;
      used.set(k, i + 1);
    }
    m.shmId = null;
  });
  s.crashPoint();
  s.say(msg.repairDone(paths.base));
}

/** Dispatch list / repair. */
export async function run(s: Session): Promise<void> {
  const [verb, dbArg, stArg, ...extra] = s.args;
  s.src = { tag: 'PROSTR', usr: 5 };
  const v = verb?.toLowerCase();
  if ((v !== 'list' && v !== 'repair') || dbArg === undefined || extra.length > 0)
    s.fail(msg.usage('prostrct', `unsupported arguments "${s.args.join(' ')}"`, SYNTAX));
  const paths = dbPaths(dbArg);
  if (!masterExists(paths)) s.fail(v === 'list' ? msg.prostrctNoDb(paths.dbFile) : msg.cannotOpen(paths.dbFile));
  s.lg = paths.lg;
  requireKeyStore(s, paths.base, readMaster(paths));
  return v === 'list' ? list(s, paths, stArg) : repair(s, paths, stArg);
}
