// Retention of archived AI files (`expire-ai-files = true`): a file of the oldest kept backup's
// AI chain whose sequence precedes that backup's paired sequence can no longer be rolled forward
// onto any kept backup, so it may go. Nothing else goes: files of other chains, files an open run
// names, files at or after the paired sequence. Sequences come from the files' headers (rfutil
// scan, through the chain planner: compressed archives are decompressed to read them).
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { existsSync } from 'node:fs';
import { planAiChain } from '../aichain/index.js';
import { contentSha256 } from '../aichain/scan-cache.js';
import { findBackup, sourceClockEnv } from '../engine/catalog.js';
import { createTools } from '../openedge/create-tools.js';
import type { UtilityParams } from '../openedge/utility-params.js';
import { inputAiFiles, type BackupRow, type Store } from '../store/index.js';
import { isOpen } from './db-status.js';

export interface AiFileDecision {
  /** The archived file as the site keeps it (the compressed one, when compressed). */
  path: string;
  seqno: number;
  remove: boolean;
  reason: string;
}

/** What becomes of each archived AI file of the oldest kept backup's chain (empty when there is none). */
export async function planAiFileExpiry(
  store: Store,
  oldestKept: BackupRow | undefined,
  o: { dlc: string; aiArchive: string; params?: UtilityParams },
): Promise<AiFileDecision[]> {
  if (oldestKept === undefined || !existsSync(o.aiArchive)) return [];
  const found = findBackup(store, oldestKept.backupId);
  const named = new Set<string>();
  for (const run of store.listRuns().filter(isOpen)) for (const f of inputAiFiles(run.input)) named.add(f);
  const clock = sourceClockEnv(found);
  const scanDb = existsSync(`${found.db}.db`) ? found.db : join(found.destination, basename(found.db));
  // from sequence 0: every file of the chain is listed with its sequence (other chains are not)
  const plan = await planAiChain({
    tools: createTools({ dlc: o.dlc, params: o.params ?? {}, ...(clock ? { env: clock } : {}) }),
    db: scanDb,
    inputs: [o.aiArchive],
    pairedSeq: 0,
    aiBeginDate: found.aiBeginDate ?? '',
    cache: store,
  });
  return plan.files.map((f) => {
    const path = f.compressed ?? f.path;
    if (named.has(path) || named.has(f.path))
      return { path, seqno: f.seqno, remove: false, reason: 'named by an open run' };
    if (f.seqno >= found.pairedAiSeq)
      return {
        path,
        seqno: f.seqno,
        remove: false,
        reason: `needed from sequence ${found.pairedAiSeq} on (backup ${found.backupId})`,
      };
    return {
      path,
      seqno: f.seqno,
      remove: true,
      reason: `sequence ${f.seqno} precedes ${found.pairedAiSeq}, the paired sequence of the oldest kept backup ${found.backupId}`,
    };
  });
}

/** Remove the files the plan lets go, each journaled (path, sequence, sha256) on the oldest kept backup's run first. */
export async function applyAiFileExpiry(
  store: Store,
  oldestKept: BackupRow | undefined,
  plan: readonly AiFileDecision[],
  operator: string,
): Promise<string[]> {
  const removed: string[] = [];
  const runId = oldestKept?.runId && store.getRun(oldestKept.runId) ? oldestKept.runId : null;
  for (const d of plan.filter((x) => x.remove)) {
    if (runId === null) break; // nowhere to journal it: nothing is removed unrecorded
    const sha256 = await contentSha256(d.path).catch(() => null);
    store.appendJournal(runId, {
      kind: 'note',
      data: {
        expiredAiFile: {
          path: d.path,
          seqno: d.seqno,
          sha256,
          reason: d.reason,
          operator,
          at: new Date().toISOString(),
        },
      },
    });
    await rm(d.path, { force: true });
    removed.push(d.path);
  }
  return removed;
}
