// Does the AI chain from a backup reach the present? Retention (expire.ts) must never remove
// the newest backup from which it does: that backup is the only way to today's data. The chain
// is proven from the backup's paired sequence through the archived AI files (`ai-archive`) and
// the FULL extents still in the live database up to its current (BUSY) AI file.
import { existsSync } from 'node:fs';
import { planAiChain } from '../aichain/index.js';
import { ranges } from '../aichain/prove-chain.js';
import { findBackup } from '../engine/catalog.js';
import { createTools } from '../openedge/create-tools.js';
import { CLOSED_AI_STATUSES, type AiExtent } from '../openedge/types.js';
import type { UtilityParams } from '../openedge/utility-params.js';
import type { BackupRow, Store } from '../store/index.js';
import { chainScanner } from './restore-from-backup.js';

export interface ChainReach {
  reaches: boolean;
  /** Why (the sequences proven, or what is missing). */
  detail: string;
}

export interface LiveAi {
  /** The live database's current AI file (BUSY extent), null when it cannot be read. */
  busySeq: number | null;
  /** Sequences held by switched extents (FULL, LOCKED, ARCHIVED). */
  fullSeqs: number[];
  /** Why the live extents could not be read. */
  unreadable?: string;
}

/** The live database's BUSY and FULL AI sequences. */
export async function liveAi(dlc: string, db: string, params: UtilityParams = {}): Promise<LiveAi> {
  if (!existsSync(`${db}.db`)) return { busySeq: null, fullSeqs: [], unreadable: `${db}.db does not exist here` };
  try {
    const extents: AiExtent[] = (await createTools({ dlc, params }).aimageList(db)).value;
    const busy = extents.find((e) => e.status === 'Busy');
    return {
      busySeq: busy?.seqno ?? null,
      // a LOCKED / ARCHIVED extent (replication source) is as complete as a FULL one
      fullSeqs: extents.filter((e) => CLOSED_AI_STATUSES.has(e.status)).map((e) => e.seqno),
      ...(busy ? {} : { unreadable: 'no BUSY AI extent' }),
    };
  } catch (err) {
    return {
      busySeq: null,
      fullSeqs: [],
      unreadable: `rfutil -C aimage list: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** Whether every AI sequence from `backup`'s paired one up to the live BUSY one is there, whole, in its chain. */
export async function chainReachesPresent(
  store: Store,
  backup: BackupRow,
  live: LiveAi,
  o: { dlc: string; aiArchive?: string | undefined; params?: UtilityParams },
): Promise<ChainReach> {
  if (live.busySeq === null)
    return {
      reaches: false,
      detail: `the live database's current AI file is unknown (${live.unreadable ?? 'not read'})`,
    };
  const found = findBackup(store, backup.backupId);
  const paired = found.pairedAiSeq;
  if (live.busySeq < paired)
    return {
      reaches: false,
      detail: `the database's current AI sequence ${live.busySeq} is below the backup's paired sequence ${paired} (AI was restarted since)`,
    };
  let archived: number[] = [];
  const broken: string[] = [];
  if (o.aiArchive !== undefined && paired < live.busySeq) {
    const scanner = chainScanner(found, { dlc: o.dlc, ...(o.params ? { params: o.params } : {}) });
    const plan = await planAiChain({
      tools: scanner.tools,
      db: scanner.db,
      inputs: [o.aiArchive],
      pairedSeq: paired,
      aiBeginDate: found.aiBeginDate ?? '',
      cache: store,
    });
    archived = plan.files.map((f) => f.seqno);
    // files of other chains in the archive do not break this one; cut or damaged files of it do
    broken.push(
      ...plan.problems
        .filter(
          (p) => p.kind === 'truncated' || p.kind === 'damaged' || p.kind === 'duplicate' || p.kind === 'unreadable',
        )
        .map((p) => p.message),
    );
  }
  const have = new Set([...archived, ...live.fullSeqs]);
  const missing: number[] = [];
  for (let s = paired; s < live.busySeq; s++) if (!have.has(s)) missing.push(s);
  if (missing.length > 0)
    return {
      reaches: false,
      detail: `sequence ${ranges(missing)} ${o.aiArchive ? `is neither in ${o.aiArchive} nor a FULL extent` : 'is not a FULL extent (no ai-archive configured)'}`,
    };
  if (broken.length > 0) return { reaches: false, detail: broken.join('; ') };
  return { reaches: true, detail: `sequences ${paired}–${live.busySeq} proven up to the current AI file` };
}
