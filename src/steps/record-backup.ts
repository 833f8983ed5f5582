// CATALOG: record the completed backup (id, paired AI sequence, manifest digest,
// database identity) so `oeflow restore <backup-id>` can find and prove it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, factText, type CatalogEntry, noCommands, type Step } from './step.js';
import { fact } from './step-facts.js';

/** Name of the self-description written into every backup directory (restore from a dir uses it). */
export const BACKUP_DESCRIPTION_FILE = 'oeflow-backup.json';

export const recordBackup = {
  id: 'recordBackup',
  title: 'Record the backup in the catalog',
  kb: 'CATALOG',
  effect: 'idempotent',
  commands: noCommands,
  probe: async () => null,
  async run(env) {
    const { input, facts } = env.ctx;
    const online = input.procedure === 'online-backup';
    const pairedSeq = Number((online ? (facts.confirmQuietPoint ?? facts.quietEnable) : facts.aiSwitch)?.pairedSeq);
    const copyStep = facts.transferClone ? 'transferClone' : 'copyFiles';
    const copy = facts[copyStep];
    if (!Number.isInteger(pairedSeq))
      fail('failed', 'OEF-050', 'the AI sequence paired with the copy is unknown: the backup cannot be catalogued');
    const backupId = `bk-${env.runId.slice('run-'.length)}`;
    const entry: CatalogEntry = {
      backupId,
      db: input.db,
      kind: online ? 'online' : 'offline',
      destination: factText(copy?.destination ?? input.destination),
      // the online copy path's manifest is sealed by verifyCopy, after the disable
      manifestDigest: factText(facts.verifyCopy?.manifestDigest ?? copy?.manifestDigest),
      pairedAiSeq: pairedSeq,
      // rfutil prints dates in the local time of its environment (this process's): a restore
      // elsewhere scans the AI files in the same zone, so the AI begin dates compare equal
      dbIdentity: {
        aiBeginDate: facts.preflight?.aiBeginDate ?? null,
        databaseName: facts.preflight?.databaseName ?? input.db,
        replication: facts.preflight?.replication ?? null,
        timeZone: process.env['TZ'] || Intl.DateTimeFormat().resolvedOptions().timeZone,
      },
      startedAt: env.runStartedAt,
      completedAt: new Date().toISOString(),
      details: {
        runId: env.runId,
        files: fact(facts, copyStep, 'files') ?? null,
        bytes: fact(facts, copyStep, 'bytesCopied') ?? null,
        copyMethod: fact(facts, 'prepareCopy', 'copyMethod') ?? 'copy',
        quietWindowMs: fact(facts, 'quietDisable', 'quietWindowMs') ?? null,
      },
    };
    env.catalog(entry);
    await writeFile(join(entry.destination, BACKUP_DESCRIPTION_FILE), `${JSON.stringify(entry, null, 2)}\n`);
    return { backupId, pairedAiSeq: pairedSeq };
  },
} satisfies Step<null>;
