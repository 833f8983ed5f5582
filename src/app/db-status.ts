// What a DBA asks first about a database: its last good backup, the AI files archived since
// and whether they chain, open runs with the command to run next, the last drill, and whether
// the store is healthy. `oeflow info` prints it; `oeflow check` judges it against thresholds.
import { existsSync, statSync } from 'node:fs';
import { planAiChain } from '../aichain/index.js';
import { findBackup } from '../engine/catalog.js';
import { isInterrupted } from '../engine/run-activity.js';
import { stateName } from '../engine/run-status.js';
import { quietPointNow } from '../guard/quiet-point-log.js';
import { createTools } from '../openedge/create-tools.js';
import { dbPaths } from '../openedge/dlc.js';
import { liveLkHolder } from '../openedge/opened-since.js';
import { LkMode } from '../openedge/parse-lk.js';
import { readTextFrom } from '../openedge/read-text-from.js';
import type { UtilityParams } from '../openedge/utility-params.js';
import type { AiExtent } from '../openedge/types.js';
import { backupBytes, entriesOf, schemaVersion, type BackupRow, type RunRow, type Store } from '../store/index.js';
import { nextActionFor } from './open-run.js';
import { chainScanner } from './restore-from-backup.js';

export interface LastBackup {
  backupId: string;
  kind: string;
  completedAt: string;
  ageSeconds: number;
  bytes: number | null;
  durationSeconds: number;
  /** How long the quiet point was held (online backups): quietEnable's result to quietDisable's. */
  quietSeconds: number | null;
  pairedAiSeq: number;
  destination: string;
}

export interface OpenRunInfo {
  runId: string;
  status: string;
  state: string;
  next: string;
}

export interface DrillInfo {
  runId: string;
  status: string;
  at: string;
  ageSeconds: number;
  rtoSeconds: number | null;
  rpoSeconds: number | null;
}

export interface AiInfo {
  /** The archive directory the configuration names, or null (then nothing is scanned). */
  archive: string | null;
  /** AI files archived after the last backup's paired sequence (chain order). */
  filesSince: number | null;
  lastSeq: number | null;
  provable: boolean | null;
  problems: string[];
  /** The live database's extents (rfutil -C aimage list), when it could be read. */
  extents: { empty: number; full: number; busySeq: number | null } | null;
}

export interface DbStatus {
  db: string;
  section: string | null;
  lastBackup: LastBackup | null;
  ai: AiInfo;
  openRuns: OpenRunInfo[];
  lastDrill: DrillInfo | null;
  /** A quiet point up now on the served database, by its log (whoever raised it): production writes wait. */
  quietPoint: { since: string; ageSeconds: number } | null;
}

export interface StoreHealth {
  path: string;
  schemaVersion: number;
  journalMode: string;
  durable: boolean;
}

const seconds = (fromIso: string, to: number) => Math.max(0, Math.round((to - Date.parse(fromIso)) / 1000));

function quietSeconds(store: Store, runId: string | null): number | null {
  if (!runId || !store.getRun(runId)) return null;
  const resultAt = (step: string) => store.journal(runId).find((r) => r.kind === 'result' && r.stepKey === step)?.at;
  const on = resultAt('quietEnable');
  const off = resultAt('quietDisable');
  return on && off ? Math.round((Date.parse(off) - Date.parse(on)) / 100) / 10 : null;
}

function lastBackup(store: Store, db: string): BackupRow | undefined {
  return store
    .listBackups({ db })
    .filter((b) => b.completedAt !== null)
    .sort((a, b) => Date.parse(b.completedAt!) - Date.parse(a.completedAt!))[0];
}

/** A run that is not over: running (live or interrupted), aborted, waiting for a decision, or halted resumable. */
export function isOpen(run: RunRow): boolean {
  return (
    run.status === 'running' ||
    run.status === 'aborted' ||
    run.status === 'needs-decision' ||
    (run.status === 'failed' && run.resumable)
  );
}

function lastDrill(store: Store, db: string, now: number): DrillInfo | null {
  let best: DrillInfo | null = null;
  for (const run of store.listRuns()) {
    if (run.kind !== 'restore') continue;
    for (const row of entriesOf(store.entries(run.runId), 'note')) {
      const drill = row.data.drill;
      if (drill === null || drill.db !== db) continue;
      if (!best || Date.parse(row.at) > Date.parse(best.at)) {
        best = {
          runId: run.runId,
          status: drill.status ?? 'unknown',
          at: row.at,
          ageSeconds: seconds(row.at, now),
          rtoSeconds: drill.rtoSeconds ?? null,
          rpoSeconds: drill.rpoSeconds ?? null,
        };
      }
    }
  }
  return best;
}

async function aiInfo(
  store: Store,
  db: string,
  backup: BackupRow | undefined,
  o: { dlc?: string | undefined; aiArchive?: string | undefined; params?: UtilityParams | undefined },
): Promise<AiInfo> {
  const info: AiInfo = {
    archive: o.aiArchive ?? null,
    filesSince: null,
    lastSeq: null,
    provable: null,
    problems: [],
    extents: null,
  };
  if (!o.dlc) return info;
  const params = o.params ?? {};
  const tools = createTools({ dlc: o.dlc, params });
  if (existsSync(`${db}.db`)) {
    try {
      const extents: AiExtent[] = (await tools.aimageList(db)).value;
      info.extents = {
        empty: extents.filter((e) => e.status === 'Empty').length,
        full: extents.filter((e) => e.status === 'Full').length,
        busySeq: extents.find((e) => e.status === 'Busy')?.seqno ?? null,
      };
    } catch (err) {
      info.problems.push(`rfutil -C aimage list: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (!backup || !o.aiArchive) return info;
  const found = findBackup(store, backup.backupId);
  const scanner = chainScanner(found, { dlc: o.dlc, params });
  const plan = await planAiChain({
    tools: scanner.tools,
    db: scanner.db,
    inputs: [o.aiArchive],
    pairedSeq: found.pairedAiSeq,
    aiBeginDate: found.aiBeginDate ?? '',
  });
  info.filesSince = plan.files.length;
  info.lastSeq = plan.lastSeq;
  // The live BUSY extent (and the FULL ones not yet archived) are still in the database: the
  // archive must hold every sequence from the paired one up to just before them.
  const busy = info.extents?.busySeq ?? null;
  const needUpTo = busy === null ? null : busy - 1 - (info.extents?.full ?? 0);
  const nothingNeeded = needUpTo !== null && needUpTo < found.pairedAiSeq;
  if (!nothingNeeded) info.problems.push(...plan.problems.map((p) => p.message));
  if (!nothingNeeded && needUpTo !== null && (plan.lastSeq ?? found.pairedAiSeq - 1) < needUpTo) {
    info.problems.push(
      `the archive ends at sequence ${plan.lastSeq ?? 'none'}; the database needs up to ${needUpTo} before its BUSY extent ${busy}: archived AI files are missing`,
    );
  }
  info.provable = info.problems.length === 0;
  return info;
}

/** Everything `oeflow info` shows for one database. */
export async function dbStatus(
  store: Store,
  db: string,
  o: {
    section?: string | undefined;
    dlc?: string | undefined;
    aiArchive?: string | undefined;
    params?: UtilityParams;
    now?: number;
  },
): Promise<DbStatus> {
  const now = o.now ?? Date.now();
  const b = lastBackup(store, db);
  return {
    db,
    section: o.section ?? null,
    lastBackup: b
      ? {
          backupId: b.backupId,
          kind: b.kind,
          completedAt: b.completedAt!,
          ageSeconds: seconds(b.completedAt!, now),
          bytes: backupBytes(b.details),
          durationSeconds: Math.round((Date.parse(b.completedAt!) - Date.parse(b.startedAt)) / 100) / 10,
          quietSeconds: quietSeconds(store, b.runId),
          pairedAiSeq: b.pairedAiSeq,
          destination: b.destination,
        }
      : null,
    ai: await aiInfo(store, db, b, o),
    openRuns: store
      .listRuns({ db })
      .filter(isOpen)
      .map((r) => ({
        runId: r.runId,
        status: isInterrupted(store, r) ? 'interrupted' : r.status,
        state: stateName(r.stateValue),
        next: nextActionFor(store, r),
      })),
    lastDrill: lastDrill(store, db, now),
    quietPoint: await quietPointUp(db, now),
  };
}

/** How much of the database log is read for its quiet point: its end, where a live one is logged. */
const LG_TAIL_BYTES = 4 * 1024 * 1024;

/**
 * The quiet point up now: only on a database a live broker serves (a quiet point does not
 * survive its broker, whatever the log says last), from the end of its log.
 */
async function quietPointUp(db: string, now: number): Promise<DbStatus['quietPoint']> {
  const { lkFile, lgFile } = dbPaths(db);
  if (liveLkHolder(lkFile)?.mode !== LkMode.multiUser) return null;
  let size: number;
  try {
    size = statSync(lgFile).size;
  } catch {
    return null;
  }
  const up = quietPointNow(await readTextFrom(lgFile, Math.max(0, size - LG_TAIL_BYTES)).catch(() => ''));
  if (up === null) return null;
  const since = new Date(up.enabledAtMs).toISOString();
  return { since, ageSeconds: seconds(since, now) };
}

/** The store's own health: where it is, its schema, and whether it is durable (WAL + synchronous=FULL). */
export function storeHealth(store: Store, path: string): StoreHealth {
  const p = store.pragmas();
  return {
    path,
    schemaVersion,
    journalMode: p.journalMode,
    durable: p.journalMode.toLowerCase() === 'wal' && p.synchronous === 2,
  };
}
