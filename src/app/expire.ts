// Retention (`oeflow expire`): which backups of a database go, by count and/or age, and their
// removal. Never removed: the newest backup from which the AI chain reaches the present (proven
// through the archive and the live database's extents, chain-reach.ts; when none does, the newest
// is kept and the plan says so) and a backup an open run uses. Archived AI files go only when
// `expire-ai-files` is on, and only those older than the oldest kept backup's paired sequence
// (expire-ai-files.ts). Each removal is journaled before its files go, and the catalog keeps
// the row, marked expired (docs/operations.md).
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OeflowError } from '../errors.js';
import { MANIFEST_FILE } from '../copy/index.js';
import { BACKUP_DESCRIPTION_FILE } from '../steps/record-backup.js';
import type { UtilityParams } from '../openedge/utility-params.js';
import { inputText, type BackupRow, type Store } from '../store/index.js';
import { chainReachesPresent, type ChainReach, type LiveAi } from './chain-reach.js';
import { isOpen } from './db-status.js';

export interface RetentionPolicy {
  /** Keep at least this many newest backups. */
  count?: number | undefined;
  /** Keep every backup younger than this. */
  ageMs?: number | undefined;
}

export interface ExpiryDecision {
  backupId: string;
  completedAt: string | null;
  destination: string;
  pairedAiSeq: number;
  keep: boolean;
  /** Why it is kept (every reason that applies), or why it goes. */
  reasons: string[];
}

/** The completed, unexpired backups of `db`, newest first. */
export function keptCandidates(store: Store, db: string): BackupRow[] {
  return store
    .listBackups({ db })
    .filter((b) => b.completedAt !== null && b.expiredAt === null)
    .sort((a, b) => Date.parse(b.completedAt!) - Date.parse(a.completedAt!));
}

/**
 * The newest backup from which the AI chain reaches the present, proven newest first (the first
 * that reaches ends the search); when none does, the newest, with why not.
 */
export async function chainAnchor(
  store: Store,
  backups: readonly BackupRow[],
  live: LiveAi,
  o: { dlc: string; aiArchive?: string | undefined; params?: UtilityParams },
): Promise<{ backupId: string; reaches: boolean; detail: string } | null> {
  let newest: ChainReach | undefined;
  for (const b of backups) {
    const reach = await chainReachesPresent(store, b, live, o);
    newest ??= reach;
    if (reach.reaches) return { backupId: b.backupId, ...reach };
  }
  const first = backups[0];
  return first === undefined ? null : { backupId: first.backupId, reaches: false, detail: newest?.detail ?? '' };
}

/** The decision for every backup of `db`, newest first. Refuses (OEF-001) without a policy. */
export function planExpiry(
  store: Store,
  db: string,
  policy: RetentionPolicy,
  anchor: { backupId: string; reaches: boolean; detail: string } | null,
  now = Date.now(),
): ExpiryDecision[] {
  if (policy.count === undefined && policy.ageMs === undefined) {
    throw new OeflowError('OEF-001', `no retention policy for ${db}: nothing to expire by`, {
      hint: 'Set retain-count and/or retain-age in the configuration (or pass --retain-count / --retain-age).',
    });
  }
  const inUse = new Map<string, string>();
  for (const run of store.listRuns().filter(isOpen)) {
    for (const dir of [inputText(run.input, 'backupDir'), inputText(run.input, 'destination')])
      if (dir) inUse.set(dir, run.runId);
  }
  return keptCandidates(store, db).map((b, i) => {
    const reasons: string[] = [];
    if (anchor?.backupId === b.backupId) {
      reasons.push(
        anchor.reaches
          ? `the newest backup from which the AI chain reaches the present (${anchor.detail})`
          : `newest, kept although no backup's AI chain reaches the present (${anchor.detail})`,
      );
    }
    if (policy.count !== undefined && i < policy.count)
      reasons.push(`one of the ${policy.count} newest (retain-count)`);
    if (policy.ageMs !== undefined && now - Date.parse(b.completedAt!) < policy.ageMs)
      reasons.push('younger than retain-age');
    const user = inUse.get(b.destination);
    if (user) reasons.push(`used by open run ${user}`);
    const keep = reasons.length > 0;
    return {
      backupId: b.backupId,
      completedAt: b.completedAt,
      destination: b.destination,
      pairedAiSeq: b.pairedAiSeq,
      keep,
      reasons: keep ? reasons : ['beyond retain-count and retain-age'],
    };
  });
}

/** Remove the backups the plan lets go: journal, delete the directory, mark the catalog row expired. */
export async function applyExpiry(
  store: Store,
  plan: readonly ExpiryDecision[],
  operator: string,
): Promise<{ removed: string[] }> {
  const removed: string[] = [];
  for (const d of plan.filter((x) => !x.keep)) {
    // only ever a directory oeflow wrote (its manifest or self-description is there), or one already gone
    const ours =
      existsSync(join(d.destination, MANIFEST_FILE)) || existsSync(join(d.destination, BACKUP_DESCRIPTION_FILE));
    if (existsSync(d.destination) && !ours) {
      throw new OeflowError(
        'OEF-001',
        `${d.destination} (backup ${d.backupId}) does not look like an oeflow backup directory: not removed`,
        { hint: 'Check the catalog entry (`oeflow backups`) and the directory by hand.' },
      );
    }
    const row = store.getBackup(d.backupId);
    if (row?.runId && store.getRun(row.runId)) {
      store.appendJournal(row.runId, {
        kind: 'note',
        data: {
          expired: {
            backupId: d.backupId,
            destination: d.destination,
            reasons: d.reasons,
            operator,
            at: new Date().toISOString(),
          },
        },
      });
    }
    await rm(d.destination, { recursive: true, force: true });
    store.markBackupExpired(d.backupId);
    removed.push(d.backupId);
  }
  return { removed };
}
