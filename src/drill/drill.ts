// DR drill (issue 4): online backup → restore into scratch → roll forward copies of every
// archived AI file → compare → record achieved RPO/RTO and the evidence in the store. The
// source's FULL extents and archived files are only ever copied (issue 8): the drill empties
// extents only into the database's configured archive directory, as the site's archiver would.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertChainProven, decompressedNotes } from '../aichain/index.js';
import { backupIdFor, startRun } from '../engine/engine.js';
import type { Reporter } from '../engine/reporter.js';
import type { RunOutcome } from '../engine/run-driver.js';
import { createTools } from '../openedge/create-tools.js';
import type { UtilityParams } from '../openedge/utility-params.js';
import type { Store } from '../store/index.js';
import { findBackup } from '../engine/catalog.js';
import { OeflowError } from '../errors.js';
import { aiSwitchRefusal, summariseAi } from '../steps/probes.js';
import { gatherAiCopies } from './gather-ai.js';
import { archiveUntil, isSimulator, simJson, startLoad } from './sim-cli.js';
import { chainScanner, restoreInput } from '../app/restore-from-backup.js';
import { targetProtectedFigure } from '../app/restored-target.js';

export interface DrillOptions {
  store: Store;
  dlc: string;
  db: string;
  scratch: string;
  reporter: Reporter;
  abortSignal?: AbortSignal;
  /** Directories of archived AI files, read only (required on a real installation unless aiArchive is set). */
  aiDirs?: string[];
  /**
   * The database's configured AI archive directory (`ai-archive`): on the simulator without a
   * running archiver daemon, the drill archives FULL extents into it, as the site would.
   */
  aiArchive?: string;
  /** Simulator only: transactions of background load during the backup window (needs aiArchive). */
  loadTx?: number;
  /** The database's startup parameters; the restored copy takes the same (it is encrypted alike). */
  utilityParams?: UtilityParams;
  /** Roll forward with OPLOCK, as the site's restores do (docs/openedge.md §4.41). */
  oplock?: boolean;
}

export interface DrillReport {
  status: 'passed' | 'failed';
  db: string;
  scratch: string;
  backup: { runId: string; status: string; backupId?: string };
  /** targetProtected: with oplock, whether ROLL FORWARD OPLOCK still protects the restored copy. */
  restore?: { runId: string; status: string; targetDb: string; aiFiles: string[]; targetProtected?: boolean };
  comparison: { method: 'digest' | 'none'; source?: string; restored?: string; match?: boolean; note?: string };
  /** Seconds between the newest AI switch included in the restore and the end of the drill. */
  rpoSeconds?: number;
  /** Seconds the restore + roll forward took. */
  rtoSeconds?: number;
  failure?: string;
}

const notice = (o: DrillOptions, message: string) => o.reporter({ type: 'notice', runId: 'drill', message });
const failed = (o: RunOutcome) => o.status !== 'completed';

/** Run one rehearsal against `db` and return its evidence (also journaled on the restore run). */
export async function runDrill(o: DrillOptions): Promise<DrillReport> {
  const sim = isSimulator(o.dlc);
  const archiveDirs = [...new Set([...(o.aiDirs ?? []), ...(o.aiArchive ? [o.aiArchive] : [])])];
  if (!sim && archiveDirs.length === 0)
    throw new OeflowError(
      'OEF-001',
      'on a real installation the drill needs --ai <dir> or an ai-archive directory (where your AI files are archived)',
    );
  const params = o.utilityParams ?? {};
  const tools = createTools({ dlc: o.dlc, params });
  // With the site's AI archiver running, the drill archives nothing itself (no `oeflow sim
  // archive`, no `extent empty`: the daemon owns the FULL extents) and reads its directories.
  const daemon = sim && (await tools.describe(o.db)).value.aiArchiver;
  if (daemon && archiveDirs.length === 0) {
    throw new OeflowError(
      'OEF-001',
      `the AI archiver runs on ${o.db}: the drill needs --ai <dir> (or ai-archive) naming its -aiarcdir directories (it never empties extents under the archiver)`,
    );
  }
  // The drill archives (empties FULL extents) only into the database's own archive directory,
  // never into its scratch space: deleting the scratch must never break a real restore's chain.
  const archive = sim && !daemon ? o.aiArchive : undefined;
  if (o.loadTx && archive === undefined && !daemon) {
    throw new OeflowError(
      'OEF-001',
      `--tx needs an AI archive directory for ${o.db}: under load FULL extents must be archived (and emptied) somewhere that outlives the drill`,
      {
        hint: "Pass --ai-archive <dir> (or set ai-archive in the database's configuration section), or leave --tx out.",
      },
    );
  }
  await mkdir(o.scratch, { recursive: true });
  const engine = {
    store: o.store,
    dlc: o.dlc,
    utilityParams: params,
    reporter: o.reporter,
    ...(o.abortSignal ? { abortSignal: o.abortSignal } : {}),
  };

  // Simulator: a steady background load that keeps switching AI extents through the
  // backup window (only when asked: --tx, or --demo); the backup starts once the first switch
  // under load has happened. FULL extents are archived meanwhile, as a site's archiver would.
  const firstSeq = (await tools.aimageList(o.db)).value.find((e) => e.status === 'Busy')?.seqno ?? 0;
  const load =
    sim && o.loadTx ? startLoad(o.db, o.loadTx, 7, o.dlc, Math.max(50, Math.round(o.loadTx / 8))) : undefined;
  const stopArchiving = new AbortController();
  let backingUp = false; // commits wait during the quiet point, so nothing fills meanwhile
  const archiving =
    load && archive !== undefined
      ? archiveUntil(o.db, archive, {
          stop: stopArchiving.signal,
          paused: () => backingUp,
          onError: (m) => notice(o, `archiver: ${m}`),
        })
      : undefined;
  if (load) {
    notice(o, `background load: ${o.loadTx} transactions over ~8 s`);
    const deadline = Date.now() + 15_000;
    while (
      Date.now() < deadline &&
      ((await tools.aimageList(o.db)).value.find((e) => e.status === 'Busy')?.seqno ?? 0) <= firstSeq
    ) {
      await new Promise((r) => setTimeout(r, 500)); // each look is a utility call
    }
  }
  let backup: RunOutcome;
  let loadFailure: string | undefined;
  try {
    backingUp = true;
    backup = await startRun(engine, {
      machineId: 'online-backup',
      kind: 'online-backup',
      lockDb: o.db,
      input: { procedure: 'online-backup', db: o.db, destination: join(o.scratch, 'backup') },
    });
  } finally {
    backingUp = false;
    const done = await load;
    stopArchiving.abort();
    await archiving;
    if (done && done.exitCode !== 0)
      loadFailure = `the background load ended with exit ${done.exitCode} (the source database may have stopped): ${String(done.stderr).trim().slice(-300)}`;
  }
  const report: DrillReport = {
    status: 'failed',
    db: o.db,
    scratch: o.scratch,
    backup: { runId: backup.runId, status: backup.status },
    comparison: { method: 'none' },
  };
  const backupFailure = failed(backup) ? `online backup ${backup.status}: ${backup.failure?.message ?? ''}` : undefined;
  if (backupFailure !== undefined || loadFailure !== undefined)
    return { ...report, failure: [backupFailure, loadFailure].filter(Boolean).join('; ') };
  report.backup.backupId = backupIdFor(backup.runId);

  // Close the AI window so every change so far sits in a FULL extent. With an archive
  // directory, oeflow archives into it as the site would (FULL extents first, so the switch
  // finds an EMPTY one); otherwise the FULL extents stay FULL and the drill copies them.
  if (archive !== undefined) await simJson(['archive', o.db, '--to', archive], { DLC: o.dlc });
  const closedAt = new Date();
  // the switch needs an EMPTY next extent: on a replication source it may be LOCKED until the
  // target has it, which no archiving here can change (OEF-207, said before trying)
  const refusal = aiSwitchRefusal(summariseAi((await tools.aimageList(o.db)).value), o.db, "the drill's aimage new");
  if (refusal !== null) return { ...report, failure: `${refusal.code}: ${refusal.message}` };
  const switched = await tools.aimageNew(o.db);
  if (switched.exitCode !== 0)
    return {
      ...report,
      failure: `rfutil -C aimage new exited ${switched.exitCode}: ${switched.stdout.trim().split('\n').pop() ?? ''}`,
    };
  const source = sim ? await simJson<{ digest: string }>(['digest', o.db], { DLC: o.dlc }) : undefined;
  if (archive !== undefined) await simJson(['archive', o.db, '--to', archive], { DLC: o.dlc });

  const found = findBackup(o.store, report.backup.backupId);
  const targetDb = join(o.scratch, 'restore', found.db.split('/').pop()!);
  // the restore rolls forward copies in the scratch space, never the archive's files or the source's extents
  const { plan, decompressed } = await gatherAiCopies({
    tools: chainScanner(found, { dlc: o.dlc, params }).tools,
    db: o.db, // the drill's source: live, so also the database chainScanner would scan with
    archiveDirs,
    into: join(o.scratch, 'ai'),
    pairedSeq: found.pairedAiSeq,
    aiBeginDate: found.aiBeginDate ?? '',
    cache: o.store,
    ...(o.abortSignal ? { signal: o.abortSignal } : {}),
  });
  assertChainProven(plan);
  const started = Date.now();
  const restore = await startRun(engine, {
    machineId: 'roll-forward',
    kind: 'restore',
    lockDb: targetDb,
    input: restoreInput(
      found,
      targetDb,
      plan.files.map((f) => f.path),
      undefined,
      o.oplock === true,
    ),
    notes: decompressedNotes(decompressed),
  });
  report.rtoSeconds = (Date.now() - started) / 1000;
  report.restore = {
    runId: restore.runId,
    status: restore.status,
    targetDb,
    aiFiles: plan.files.map((f) => f.path),
    ...targetProtectedFigure(restore.facts),
  };
  if (failed(restore)) return { ...report, failure: `restore ${restore.status}: ${restore.failure?.message ?? ''}` };

  if (source) {
    const restored = await simJson<{ digest: string }>(['digest', targetDb], { DLC: o.dlc });
    report.comparison = {
      method: 'digest',
      source: source.digest,
      restored: restored.digest,
      match: source.digest === restored.digest,
    };
  } else {
    report.comparison = {
      method: 'none',
      note: 'real installation: the roll forward exit codes and messages are the evidence; compare application checks by hand',
    };
  }
  report.rpoSeconds = (Date.now() - closedAt.getTime()) / 1000;
  report.status = report.comparison.match === false ? 'failed' : 'passed';
  o.store.appendJournal(restore.runId, { kind: 'note', data: { drill: report } });
  return report;
}
