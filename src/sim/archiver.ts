// The AI File Management daemon ("AI archiver", docs/openedge.md §7), run inside the broker while the
// master block says it is enabled: every 5 seconds it archives the FULL extents, oldest
// first, to the first archive directory under the archiver's name (record type 0001,
// 13199, 13154 ARCHIVED, then EMPTY; on a replication source also the LOCKED ones, which stay
// ARCHIVED until replicated: replication.ts), and in timed mode (-aiarcinterval n) it forces a
// switch once the BUSY extent has been current for n seconds.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { archiveExtent, archiveName, fullExtents } from './archive.js';
import { busyIndex, extentName, switchAi } from './ai-switch.js';
import { aiExtents, readMaster, writeMaster, type MasterBlock } from './master-block.js';
import { msg, type Msg } from './messages.js';
import type { DbPaths } from './paths.js';

/** How often the daemon looks for FULL extents (docs/openedge.md §7: every 5 seconds). */
export const ARCHIVER_TICK_MS = 5000;

export interface ArchiverParams {
  dirs: string[];
  /** 0 = on demand. */
  interval: number;
  dirCreate: boolean;
}

/** Parse `-aiarchiver -aiarcdir d1,d2 [-aiarcinterval n] [-aiarcdircreate]`; a Msg on bad input, null when absent. */
export function archiverParams(
  args: readonly string[],
  utility: 'proserve' | 'rfutil' = 'proserve',
): ArchiverParams | Msg | null {
  const requireFlag = utility === 'proserve';
  const lower = args.map((a) => a.toLowerCase());
  if (requireFlag && !lower.includes('-aiarchiver')) return null;
  const value = (flag: string): string | undefined => {
    const i = lower.indexOf(flag);
    return i < 0 ? undefined : args[i + 1];
  };
  const dirs = value('-aiarcdir');
  if (dirs === undefined || dirs.length === 0)
    return msg.usage(
      utility,
      `${requireFlag ? '-aiarchiver' : 'aiarchiver enable'} needs -aiarcdir <dir[,dir…]>`,
      `${utility} db ${requireFlag ? '-aiarchiver' : '-C aiarchiver enable'} -aiarcdir d1,d2 [-aiarcinterval n] [-aiarcdircreate]`,
    );
  const raw = value('-aiarcinterval') ?? '0';
  const interval = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(interval === 0 || (interval >= 120 && interval <= 86400))) return msg.archiverBadInterval(raw);
  return { dirs: dirs.split(','), interval, dirCreate: lower.includes('-aiarcdircreate') };
}

/** Turn the archiver on in `mb` with `p` (caller holds the lock and writes `mb`). */
export function enableArchiver(mb: MasterBlock, p: ArchiverParams): void {
  mb.ai.archiver = true;
  mb.ai.archiveDirs = p.dirs;
  mb.ai.archiveInterval = p.interval;
  mb.ai.archiveDirCreate = p.dirCreate;
}

/** One daemon pass (caller holds the lock); returns the `.lg` messages, and whether it wrote. */
export function archiverTick(paths: DbPaths, now: number): { logs: Msg[]; severity: 'I' | 'E' } {
  const mb = readMaster(paths);
  if (!mb.ai.enabled || !mb.ai.archiver) return { logs: [], severity: 'I' };
  const logs: Msg[] = [];
  const interval = mb.ai.archiveInterval ?? 0;
  const busy = mb.ai.extents[busyIndex(mb)];
  if (interval > 0 && busy?.startDate != null && now - busy.startDate >= interval * 1000) {
    const sw = switchAi(mb, now);
    if (sw.ok) logs.push(msg.switched(extentName(sw.toPath)), msg.fileNumberSinceBegin(sw.seq));
  }
  const dir = mb.ai.archiveDirs[0] ?? '';
  if (!existsSync(dir)) {
    if (!mb.ai.archiveDirCreate) {
      if (logs.length > 0) writeMaster(paths, mb);
      return { logs: [...logs, msg.archiverNoDir(dir)], severity: 'E' };
    }
    mkdirSync(dir, { recursive: true });
  }
  const files = aiExtents(mb);
  for (const { e, i } of fullExtents(mb, true)) {
    const to = join(dir, archiveName(paths, mb, e.seqno, files[i]?.path ?? ''));
    logs.push(...archiveExtent(paths, mb, i, to, '0001'));
  }
  if (logs.length > 0) writeMaster(paths, mb);
  return { logs, severity: 'I' };
}
