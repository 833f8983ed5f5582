// An AI file given to a restore must never be an extent of a database in use: its BUSY
// extent is still being written, and every other extent is reused by the database when
// it switches (docs/openedge.md §4). Such a file is found before anything is scanned or
// restored: by the database's own .st (its `a` lines) and by OpenEdge's extent naming
// (`<db>.aN` beside `<db>.db`, docs/openedge.md §6), and it counts as live when the
// database's `.lk` names a running process (a stale `.lk` of a dead one does not).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { OeflowError } from '../errors.js';
import { dbPaths } from '../openedge/dlc.js';
import { liveLkHolder } from '../openedge/opened-since.js';
import { LkMode } from '../openedge/parse-lk.js';
import { parseSt } from '../openedge/st-file.js';
import type { LkInfo } from '../openedge/types.js';

export interface LiveExtent {
  file: string;
  db: string;
  holder: LkInfo;
}

/** The `files` that are AI extents of a database open now; `knownDbs` (e.g. the restore's source) are matched by their .st too. */
export function liveExtents(files: readonly string[], knownDbs: readonly string[]): LiveExtent[] {
  const byStructure = aiExtentsOf(knownDbs);
  const found: LiveExtent[] = [];
  for (const file of files) {
    const real = realOrSelf(file);
    const db = byStructure.get(real) ?? dbByExtentName(file) ?? dbByExtentName(real);
    if (db === undefined) continue;
    const holder = liveLkHolder(dbPaths(db).lkFile);
    if (holder !== null) found.push({ file, db, holder });
  }
  return found;
}

/** OEF-321 naming every live extent among `files`; nothing has been scanned or changed yet. */
export function refuseLiveExtents(files: readonly string[], knownDbs: readonly string[]): void {
  const live = liveExtents(files, knownDbs);
  if (live.length === 0) return;
  const lines = live.map((l) => `- ${l.file} is an AI extent of ${l.db}, which is in use (${holderText(l.holder)})`);
  throw new OeflowError(
    'OEF-321',
    `${live.length} AI file(s) given to the restore are extents of a live database: a BUSY extent is still being written and the others are reused at the next switch, so none of them can be rolled forward. Nothing was restored.\n${lines.join('\n')}`,
    {
      details: {
        liveExtents: live.map((l) => ({
          file: l.file,
          db: l.db,
          pid: l.holder.pid,
          host: l.holder.host,
          mode: l.holder.mode,
        })),
      },
    },
  );
}

function holderText(h: LkInfo): string {
  if (h.problem !== undefined) return `its .lk ${h.problem}`;
  const mode =
    h.mode === LkMode.singleUser ? 'single-user' : h.mode === LkMode.multiUser ? 'multi-user' : 'crash recovery';
  return `.lk: ${mode}, pid ${h.pid} on ${h.host}`;
}

// real path of each `a` extent in the databases' on-disk .st → the database
function aiExtentsOf(dbs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const db of dbs) {
    const p = dbPaths(db);
    let text: string;
    try {
      text = readFileSync(p.stFile, 'utf8');
    } catch {
      continue;
    } // no .st: the naming rule still applies
    let st;
    try {
      st = parseSt(text);
    } catch {
      continue;
    }
    for (const l of st.lines)
      if (l.kind === 'extent' && l.type === 'a') map.set(realOrSelf(path.resolve(p.dir, l.path)), p.db);
  }
  return map;
}

// `<dir>/<name>.aN` with `<dir>/<name>.db` beside it: the database OpenEdge named it for
function dbByExtentName(file: string): string | undefined {
  const m = /^(.+)\.a\d+$/.exec(path.basename(file));
  if (m === null) return undefined;
  const db = path.join(path.dirname(file), m[1]!);
  return existsSync(`${db}.db`) ? db : undefined;
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
