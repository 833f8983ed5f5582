// PRE: check every precondition of the procedure before anything is changed, and
// record the database facts the later steps and the catalog need.
import { existsSync } from 'node:fs';
import type { ErrorCode } from '../errors.js';
import { destinationProblem, readManifest } from '../copy/index.js';
import { assertDbExists, dbPaths, readDlcVersion } from '../openedge/dlc.js';
import { aiState, aiStateForSwitch, aiSwitchRefusal, busyState, type AiState } from './probes.js';
import { staleOnThisHost } from '../openedge/liveness.js';
import { LkMode } from '../openedge/parse-lk.js';
import { failure, noCommands, type Step } from './step.js';
import { allCalls } from '../openedge/all-calls.js';
import { listDatabaseFiles } from './db-files.js';
import { removeLeftBehind } from '../scratch-dir.js';
import type { Json } from '../../machines/contract.js';

/** A call's answer or its error, thrown only when the answer is asked for (a call whose answer may not be needed). */
async function settle<T>(call: Promise<T>): Promise<() => T> {
  return call.then(
    (v) => () => v,
    (err: unknown) => () => {
      throw err;
    },
  );
}

function listedOrNull<T>(answer: () => T): T | null {
  try {
    return answer();
  } catch {
    return null;
  }
}

interface Probe {
  exists: boolean;
  busy: string | null;
  aiEnabled: boolean;
  extents: number;
  busySeq: number | null;
  /** The BUSY extent's number (quietEnable's intent takes the AI picture from here, quiet-enable.ts). */
  busyExtent?: number | null;
  nextStatus: string | null;
  aiBeginDate: string | null;
  databaseName: string | null;
  replication: string | null;
  manifestError: string | null;
  /** Backups, database in use: who holds it (proutil -C holder); a single-user holder is no server. */
  holder?: string | null;
  /** Backups: the `.lk` says crash recovery (mode 5), by a process alive or not (docs/openedge.md §2.6). */
  crashRecovery?: { pid: number; host: string; alive: boolean } | null;
  /** First line of `$DLC/version` the run's utilities belong to (the evidence shows it); null when unreadable. */
  dlcVersion: string | null;
  /** Online backups: the database's files as prostrct list gives them (db-files.ts), which prepareCopy takes. */
  files?: Json;
  /** Backups: why the destination cannot take the copy (OEF-303 inside the database, OEF-305 not free), or null. */
  destinationProblem?: { code: ErrorCode; message: string } | null;
}

export const preflight = {
  id: 'preflight',
  title: 'Check preconditions',
  kb: 'PRE',
  effect: 'read',
  commands: noCommands,
  async probe(env) {
    const { input } = env.ctx;
    // once per run visit, before any shutdown or quiet point: the scratch directories killed runs left
    await removeLeftBehind();
    // the installation's release, recorded by every run (discoverDlc refused an unreadable one before the run began)
    const dlcVersion = await readDlcVersion(env.tools.dlc).catch(() => null);
    if (input.procedure === 'roll-forward') {
      let manifestError: string | null = null;
      try {
        readManifest(input.backupDir!);
      } catch (err) {
        manifestError = err instanceof Error ? err.message : String(err);
      }
      const exists = existsSync(`${input.db}.db`);
      return {
        exists,
        busy: exists ? await busyState(env, input.db) : null,
        aiEnabled: false,
        extents: 0,
        busySeq: null,
        nextStatus: null,
        aiBeginDate: input.aiBeginDate ?? null,
        databaseName: input.db,
        replication: input.replication ?? null,
        manifestError,
        dlcVersion,
      };
    }
    await assertDbExists(input.db);
    // online, the archiver daemon may be emptying the next extent under us (offline it does not run)
    const readAi = input.procedure === 'online-backup' ? aiStateForSwitch : aiState;
    // Issue 9: one round of utility calls. Who holds the database is asked at the same time as
    // whether it is in use (a backup's database nearly always is) and counts only when it is; an
    // online backup's file list (prostrct list, read-only) is read now too, for prepareCopy.
    const [busy, ai, desc, holderAnswer, files] = await allCalls([
      busyState(env, input.db),
      readAi(env, input.db),
      env.tools.describe(input.db, { signal: env.signal }),
      settle(env.tools.holder(input.db, { signal: env.signal })),
      input.procedure === 'online-backup' ? settle(listDatabaseFiles(env, input.db)) : null,
    ]);
    // in use, but by whom: a single-user utility or session is no server (proshut cannot stop it)
    const holder = busy === 'in-use' ? holderAnswer().value : null;
    // a list that failed is not this step's to report: prepareCopy lists again and says why
    const listed = files === null ? null : listedOrNull(files);
    const lk = await env.tools.readLk(input.db);
    const crashRecovery =
      lk !== null && lk.problem === undefined && lk.mode === LkMode.crashRecovery
        ? { pid: lk.pid, host: lk.host, alive: !staleOnThisHost(lk) }
        : null;
    // a restart after an abort finds this run's own finished copy there: that one may be redone
    const dest =
      input.destination === undefined
        ? null
        : await destinationProblem(
            input.destination,
            dbPaths(input.db).dir,
            env.ctx.facts['copyFiles'] !== undefined ||
              env.ctx.facts['transferClone'] !== undefined ||
              env.ctx.restartedBecause !== undefined,
          );
    return {
      destinationProblem: dest,
      ...(listed === null ? {} : { files: JSON.parse(JSON.stringify(listed)) as Json }),
      exists: true,
      busy,
      holder,
      crashRecovery,
      aiEnabled: ai.enabled && desc.value.aiEnabled,
      extents: ai.extents,
      busySeq: ai.busySeq,
      busyExtent: ai.busyExtent,
      nextStatus: ai.nextStatus,
      aiBeginDate: desc.value.aiBeginDate,
      databaseName: desc.value.databaseName,
      replication: desc.value.replication,
      manifestError: null,
      dlcVersion,
    };
  },
  precheck(p, env) {
    const { input } = env.ctx;
    if (input.procedure === 'roll-forward') {
      if (p.manifestError)
        return failure(
          'failed',
          'OEF-300',
          `the backup at ${input.backupDir} has no readable manifest: ${p.manifestError}`,
        );
      if (p.busy !== null && p.busy !== 'not-in-use')
        return failure('invariant', 'OEF-211', `the restore target ${input.db} exists and is in use (${p.busy})`);
      return null;
    }
    if (p.destinationProblem) return failure('failed', p.destinationProblem.code, p.destinationProblem.message);
    const online = input.procedure === 'online-backup';
    const cr = p.crashRecovery;
    if (cr)
      return failure(
        'invariant',
        'OEF-209',
        cr.alive
          ? `${input.db} is in crash recovery (.lk mode 5, pid ${cr.pid} on ${cr.host}): the database is not open yet and its blocks are being recovered`
          : `${input.db} was left in crash recovery (.lk mode 5) by pid ${cr.pid}, which is gone: the recovery was interrupted and the database is neither consistent nor free`,
      );
    if (p.holder === 'single-user') {
      return online
        ? failure(
            'invariant',
            'OEF-205',
            `${input.db} is held in single-user mode (proutil -C holder), not served: an online backup needs the broker`,
          )
        : failure(
            'invariant',
            'OEF-200',
            `${input.db} is in use, held in single-user mode (proutil -C holder) by a utility or session, not by a server: proshut cannot shut it down and nothing may touch the database during an offline copy. Let that process finish or stop it (see the .lk and the .lg), then run the backup again${env.ctx.facts['shutdown'] === undefined ? '' : '. This run shut the server down earlier (OFFLINE-1) and it was NOT restarted: start it with proserve once that process is gone'}`,
          );
    }
    if (online && p.aiEnabled && p.busy !== 'in-use')
      return failure(
        'invariant',
        'OEF-205',
        `${input.db} is not running (busy: ${p.busy}): an online backup needs the broker`,
      );
    return aiSwitchRefusal(
      { enabled: p.aiEnabled, extents: p.extents, nextStatus: p.nextStatus as AiState['nextStatus'] },
      input.db,
      'the AI switch',
      online ? 2 : 1,
    );
  },
  run: async (_env, p) => ({ ...p }),
} satisfies Step<Probe>;
