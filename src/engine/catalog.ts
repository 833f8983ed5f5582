// Finding a backup to restore: by catalog id, or by directory (its self-description).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OeflowError } from '../errors.js';
import { BACKUP_DESCRIPTION_FILE } from '../steps/record-backup.js';
import type { CatalogEntry } from '../steps/step.js';
import type { Store } from '../store/index.js';

export interface FoundBackup {
  backupId: string;
  db: string;
  destination: string;
  pairedAiSeq: number;
  aiBeginDate: string | null;
  replication: 'source' | 'target' | null;
  /** The time zone the source's utilities printed dates in (AI begin), when recorded. */
  timeZone: string | null;
  /** The manifest digest recorded when the backup completed (null when none was recorded). */
  manifestDigest: string | null;
}

/** A backup by catalog id, or by directory (its oeflow-backup.json self-description). */
export function findBackup(store: Store, ref: string): FoundBackup {
  const row = store.getBackup(ref);
  if (row?.expiredAt)
    throw new OeflowError('OEF-310', `backup ${ref} was expired by retention at ${row.expiredAt}: its files are gone`, {
      hint: 'Pick a kept backup from `oeflow backups`.',
    });
  let entry: Pick<CatalogEntry, 'backupId' | 'db' | 'destination' | 'pairedAiSeq' | 'dbIdentity'> & {
    manifestDigest: string | null;
  };
  if (row)
    entry = {
      backupId: row.backupId,
      db: row.db,
      destination: row.destination,
      pairedAiSeq: row.pairedAiSeq ?? 0,
      dbIdentity: row.dbIdentity as CatalogEntry['dbIdentity'],
      manifestDigest: row.manifestDigest,
    };
  else {
    const file = join(resolve(ref), BACKUP_DESCRIPTION_FILE);
    if (!existsSync(file))
      throw new OeflowError(
        'OEF-310',
        `${ref} is neither a backup id in the catalog nor a backup directory (${file} not found)`,
      );
    entry = { ...(JSON.parse(readFileSync(file, 'utf8')) as CatalogEntry), destination: resolve(ref) };
  }
  const repl = entry.dbIdentity.replication;
  return {
    backupId: entry.backupId,
    db: entry.db,
    destination: entry.destination,
    pairedAiSeq: entry.pairedAiSeq,
    aiBeginDate: typeof entry.dbIdentity.aiBeginDate === 'string' ? entry.dbIdentity.aiBeginDate : null,
    replication: repl === 'source' || repl === 'target' ? repl : null,
    manifestDigest: entry.manifestDigest || null,
    timeZone: typeof entry.dbIdentity.timeZone === 'string' ? entry.dbIdentity.timeZone : null,
  };
}

/** Environment for the utilities that read the backup's AI files: the source's time zone, so dates print as they did there. */
export function sourceClockEnv(found: FoundBackup): Record<string, string> | undefined {
  return found.timeZone === null ? undefined : { TZ: found.timeZone };
}
