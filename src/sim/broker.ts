#!/usr/bin/env node
// The detached "server" proserve starts: holds the mode-2 .lk, marks the db open,
// serves workload transactions and shutdown requests on a Unix socket, waits while a
// quiet point is enabled, and shuts down on SIGTERM, on proshut, when AI is full
// (unless -aistall) or when its .lk disappears (4195).
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { hostname, platform, userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { BrokerReply, BrokerRequest, UserRow } from './broker-protocol.js';
import { maxTrid, readData, lastCounter } from './data-file.js';
import { backOut, needsRecovery, recoverAtOpen } from './crash-recovery.js';
import { faultFor, parseFaults } from './faults.js';
import { createLk, LK_CRASH_RECOVERY, LK_MULTI, readLk, removeLk, rewriteLk } from './lk-file.js';
import { appendLog, type LogSource, type Severity } from './log-file.js';
import { dataExtent, readMaster, updateMasterSync, withLock } from './master-block.js';
import { msg, type Msg } from './messages.js';
import { dbPaths, socketPath } from './paths.js';
import { registerBroker, unregisterBroker } from './registry.js';
import { commitBatch, type NoteSpec } from './tx-commit.js';
import { replicateLocked } from './replication.js';
import { ARCHIVER_TICK_MS, archiverParams, archiverTick, enableArchiver } from './archiver.js';
import { loadEvents, type LoadEvent } from './workload.js';
import { pidAlive } from './file-lock.js';

const [baseArg = '', ...flags] = process.argv.slice(2);
const paths = dbPaths(baseArg);
const dlc = resolve(process.env['OEFLOW_SIM_DLC'] ?? process.env['DLC'] ?? '.');
const aistall = flags.includes('-aistall');
/** `-bithold n` (MB; the docs' minimum is 3, a smaller value is taken as 3) and `-bistall` (docs/openedge.md §5). */
const bithold = ((): number => {
  const i = flags.findIndex((f) => f.toLowerCase() === '-bithold');
  const n = i < 0 ? 0 : Number(flags[i + 1]);
  return Number.isFinite(n) && n > 0 ? Math.max(3, Math.floor(n)) : 0;
})();
const bistall = flags.some((f) => f.toLowerCase() === '-bistall');
const archiver = archiverParams(flags);
const SRC: LogSource = { tag: 'BROKER', usr: 0 };
const sock = socketPath(paths.base);

const log = (msgs: readonly Msg[], sev: Severity = 'I'): void => appendLog(paths.lg, SRC, msgs, sev);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const users = new Map<Socket, UserRow>();
let shuttingDown = false;
let nextTrid = 1;
/** The update counter the next note group gets. */
let nextU = 1;
/** Transactions begun and not yet ended, per connection: backed out when it goes (or at shutdown). */
const active = new Map<Socket, Map<number, { trid: number; begin: number }>>();

function version(): string {
  try {
    return /Release\s+(\S+)/.exec(readFileSync(resolve(dlc, 'version'), 'utf8'))?.[1] ?? '12.8';
  } catch {
    return '12.8';
  }
}

function open(): void {
  // a database that needs crash recovery is held under .lk mode 5 until it is done (docs/openedge.md §2.6)
  const recovering = needsRecovery(readMaster(paths));
  if (!createLk(paths.lk, recovering ? LK_CRASH_RECOVERY : LK_MULTI)) {
    log([msg.inUseMulti(paths.base)], 'E');
    process.exit(1);
  }
  registerBroker(dlc, { pid: process.pid, base: paths.base });
  if (recovering) recoveryFault();
  const now = Date.now();
  // crash recovery first: what the blocks hold of transactions that never ended is backed out
  const recovery = updateMasterSync(paths, (mb) => {
    mb.quiet = { state: 0, nolock: false };
    return recoverAtOpen(mb, now);
  });
  if (recovering) rewriteLk(paths.lk, LK_MULTI);
  const replicated = updateMasterSync(paths, (mb) => {
    mb.priorOpenDate = mb.lastOpenDate;
    mb.lastOpenDate = now;
    mb.lstmod = now;
    mb.state = 'open';
    mb.shmId = Math.floor(Math.random() * 1e7);
    mb.quiet = { state: 0, nolock: false };
    if (bithold > 0) mb.bi = { thresholdMb: bithold, stall: bistall };
    else delete mb.bi;
    // the replication server starts with the broker: extents LOCKED while it was down go now
    return replicateLocked(mb, true);
  });
  const archiving =
    archiver !== null && !('text' in archiver)
      ? updateMasterSync(paths, (mb) => {
          if (!mb.ai.enabled) return false;
          enableArchiver(mb, archiver);
          return true;
        })
      : false;
  const data = dataExtent(readMaster(paths)).path;
  nextTrid = maxTrid(readData(data)) + 1;
  nextU = lastCounter(data) + 1;
  log([
    msg.sessionBegin(),
    msg.release(version(), platform() === 'linux' ? 'Linux 64bit' : platform()),
    msg.parameter(`Physical Database Name (-db): ${paths.base}.`),
    msg.parameter(`Host Name (-H): ${hostname()}.`),
    msg.parameter(`After-image Stall (-aistall): ${aistall ? 'Enabled' : 'Not Enabled'}.`),
    ...(bithold > 0
      ? [
          msg.parameter(`Recovery Log Threshold (-bithold): ${bithold} MB.`),
          msg.parameter(`Threshold Stall (-bistall): ${bistall ? 'Enabled' : 'Not Enabled'}.`),
        ]
      : []),
    ...recovery.logs,
    ...replicated,
    msg.connectionsEnabled(),
  ]);
  if (archiving && archiver !== null && !('text' in archiver)) log([msg.archiverEnabled(archiver.dirs.join(','))]);
  startArchiverDaemon();
}

// Fault `broker:recovery:crash|hang` (OEFLOW_SIM_FAULTS): the broker dies, or stays, in the
// middle of crash recovery, its .lk still saying mode 5.
function recoveryFault(): void {
  const fault = faultFor(parseFaults(process.env['OEFLOW_SIM_FAULTS']).faults, 'broker', ['recovery'], dlc);
  if (fault?.mode === 'crash' || fault?.mode === 'crash-half') process.kill(process.pid, 'SIGKILL');
  if (fault?.mode === 'hang') {
    log([msg.parameter('Crash recovery is held by the broker:recovery:hang fault.')], 'W');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks until the process is killed
  }
}

// The AI archiver daemon: a pass every 5 s while the master block says it is on (enabled by
// -aiarchiver here or online by `rfutil -C aiarchiver enable`).
function startArchiverDaemon(): void {
  const timer = setInterval(() => {
    if (shuttingDown) return;
    withLock(paths, () => archiverTick(paths, Date.now()))
      .then((r) => {
        if (r.logs.length > 0) appendLog(paths.lg, { tag: 'AIMGT', usr: 0 }, r.logs, r.severity);
      })
      .catch((err: unknown) =>
        log([msg.parameter(`AI archiver pass failed: ${err instanceof Error ? err.message : String(err)}`)], 'E'),
      );
  }, ARCHIVER_TICK_MS);
  timer.unref();
}

/** Close the session: master block closed, (334), .lk removed (unless it is already gone). */
function shutdown(code = 0): void {
  if (shuttingDown) return;
  shuttingDown = true;
  try {
    if (users.size > 0) log([msg.sendingSignal(15, users.size)]);
    for (const conn of users.keys())
      reply(conn, { final: true, error: 'shutdown', message: 'The database was shut down.' });
    // the clients' active transactions are backed out before the database closes (docs/openedge.md §1)
    for (const conn of [...active.keys()]) backOutConnection(conn);
    if (existsSync(paths.dbFile)) {
      updateMasterSync(paths, (mb) => {
        mb.state = 'closed';
        mb.shmId = null;
        mb.quiet = { state: 0, nolock: false };
        delete mb.bi;
      });
      log([msg.sessionEnd('Multi-user')]);
    }
    if (readLk(paths.lk)?.pid === process.pid) removeLk(paths.lk);
  } finally {
    try {
      unlinkSync(sock);
    } catch {
      // already gone
    }
    unregisterBroker(dlc, process.pid);
    setTimeout(() => process.exit(code), 20);
  }
}

function reply(conn: Socket, r: BrokerReply): void {
  if (!conn.destroyed) conn.write(`${JSON.stringify(r)}\n`);
}

function addUser(conn: Socket, pid: number): UserRow {
  const taken = new Set([...users.values()].map((u) => u.usr));
  let usr = 5;
  while (taken.has(usr)) usr++;
  const row: UserRow = { usr, pid, loginTime: Date.now(), user: userInfo().username, type: 'SELF', tty: 'batch' };
  users.set(conn, row);
  appendLog(paths.lg, { tag: 'ABL', usr }, [msg.loginBy(row.user, row.tty)]);
  return row;
}

function removeUser(conn: Socket): void {
  backOutConnection(conn);
  const row = users.get(conn);
  if (row === undefined) return;
  users.delete(conn);
  appendLog(paths.lg, { tag: 'ABL', usr: row.usr }, [msg.logoutBy(row.user, row.tty)]);
}

const BATCH = 20;

type BatchResult =
  | { kind: 'ok'; written: number; committed: number; switches: number; seq: number }
  | { kind: 'shutdown' }
  | { kind: 'ai-full'; nextPath: string }
  | { kind: 'bi-threshold'; stall: false; thresholdMb: number };

/** The transactions a connection has begun and not ended: its load index (or -1 for a held one) → trid and begin time. */
type OpenTxs = Map<number, { trid: number; begin: number }>;

function openTxs(conn: Socket): OpenTxs {
  let m = active.get(conn);
  if (m === undefined) {
    m = new Map<number, { trid: number; begin: number }>();
    active.set(conn, m);
  }
  return m;
}

// A quiet point requested by a proquiet that died while it waited (state 1, requester gone)
// no longer holds the writers back.
function clearOrphanedQuietRequest(): void {
  updateMasterSync(paths, (mb) => {
    if (mb.quiet.state === 1 && mb.quiet.requester !== undefined && !pidAlive(mb.quiet.requester))
      mb.quiet = { state: 0, nolock: false, ...((mb.quiet.txe ?? []).length > 0 ? { txe: mb.quiet.txe } : {}) };
  });
}

// Write a batch of load groups (one lock hold), giving trids and update counters at write
// time: waits during a quiet point, and when AI is full stalls (-aistall) or reports it.
// Returns after at least one group was written or a stop.
async function runBatch(conn: Socket, events: readonly LoadEvent[]): Promise<BatchResult> {
  let stalled = false;
  const mine = openTxs(conn);
  for (;;) {
    if (shuttingDown || conn.destroyed) return { kind: 'shutdown' };
    const now = Date.now();
    const out = await withLock(paths, () => {
      let trid = nextTrid;
      // an end finds its transaction among the open ones or among the begins of this batch
      const begunHere = new Map<number, { trid: number; begin: number }>();
      const specs: NoteSpec[] = events.map((e) => {
        const open = mine.get(e.index) ?? begunHere.get(e.index);
        if (e.part === 'end' && open !== undefined)
          return { part: 'end', trid: open.trid, begin: open.begin, ops: e.ops };
        const spec: NoteSpec = { part: e.part === 'end' ? 'tx' : e.part, trid: trid++, begin: now, ops: e.ops };
        if (e.part === 'begin') begunHere.set(e.index, { trid: spec.trid, begin: now });
        return spec;
      });
      const { results } = commitBatch(paths, nextU, specs, now);
      const ok = results.filter((r) => r.kind === 'ok').length;
      // the counters move only for what was written, inside the lock hold
      specs.slice(0, ok).forEach((spec, i) => {
        const index = events[i]?.index ?? -2;
        if (spec.part === 'begin') mine.set(index, { trid: spec.trid, begin: now });
        if (spec.part === 'end') mine.delete(index);
        else nextTrid = spec.trid + 1;
      });
      nextU += ok;
      return { results, specs };
    });
    // -bistall: the group that met the threshold quieted the database until `proquiet bithreshold` raises it
    const biStall = out.results.find((r) => r.kind === 'bi-threshold' && r.stall);
    if (biStall?.kind === 'bi-threshold') log([msg.biThresholdReached(biStall.thresholdMb), msg.aiStalled()], 'W');
    const okResults = out.results.filter((r) => r.kind === 'ok');
    for (const r of okResults) log(r.logs);
    if (okResults.length > 0) {
      if (stalled) log([msg.aiContinuing()]);
      const last = okResults[okResults.length - 1];
      const committed = out.specs.slice(0, okResults.length).filter((x) => x.part === 'tx' || x.part === 'end').length;
      return {
        kind: 'ok',
        written: okResults.length,
        committed,
        switches: okResults.filter((r) => r.switched).length,
        seq: last?.seq ?? 0,
      };
    }
    const stop = out.results[0];
    if (stop?.kind === 'ai-full' && !aistall) return stop;
    if (stop?.kind === 'bi-threshold' && !stop.stall) return { ...stop, stall: false };
    if (stop?.kind === 'ai-full' && !stalled) {
      stalled = true;
      log([msg.aiStalled()], 'W');
    }

    if (stop?.kind === 'quiet') clearOrphanedQuietRequest();
    await sleep(stop?.kind === 'quiet' ? 20 : 50);
  }
}

// Back out what a connection left active (it went away, or the database shuts down): one
// undo group per transaction, logged as the user's backout (2252/2253).
function backOutConnection(conn: Socket): void {
  const mine = active.get(conn);
  active.delete(conn);
  if (mine === undefined || mine.size === 0 || !existsSync(paths.dbFile)) return;
  const trids = [...mine.values()].map((t) => t.trid);
  const logs = updateMasterSync(paths, (mb) => {
    const r = backOut(mb, trids, nextU, Date.now());
    nextU = r.nextU;
    if (mb.quiet.txe !== undefined) mb.quiet.txe = mb.quiet.txe.filter((t) => !trids.includes(t));
    return r.logs;
  });
  const usr = users.get(conn)?.usr ?? 5;
  appendLog(paths.lg, { tag: 'ABL', usr }, [msg.backoutBegin(), msg.backoutDone()]);
  log(logs);
}

async function runLoad(conn: Socket, count: number, seed: number, pid: number, rate: number): Promise<void> {
  addUser(conn, pid);
  let committed = 0;
  let switches = 0;
  let finalSeq = readMaster(paths).ai.currentSeq;
  const every = Math.max(1, Math.floor(count / 100));
  let reported = 0;
  const started = Date.now();
  const batchSize = rate > 0 ? Math.max(1, Math.min(BATCH, Math.floor(rate / 50))) : BATCH;
  // the groups are generated as they are written (a load may be millions of transactions)
  const events = loadEvents(seed, count);
  let pending: LoadEvent[] = [];
  try {
    for (;;) {
      for (
        let next = pending.length < batchSize ? events.next() : null;
        next !== null && next.done !== true;
        next = pending.length < batchSize ? events.next() : null
      )
        pending.push(next.value);
      if (pending.length === 0) break;
      if (conn.destroyed) return;
      const r = await runBatch(conn, pending.slice(0, batchSize));
      if (r.kind === 'shutdown')
        return reply(conn, {
          final: true,
          error: 'shutdown',
          message: 'The database was shut down.',
          committed,
          switches,
          finalSeq,
        });
      // the database cannot go on: log why, tell the writer, and shut down
      const fatal = (error: 'bi-threshold' | 'ai-full', m: Msg[]): void => {
        log(m, 'E');
        reply(conn, { final: true, error, message: m.map((x) => x.text).join(' '), committed, switches, finalSeq });
        users.delete(conn);
        return shutdown(1);
      };
      if (r.kind === 'bi-threshold')
        return fatal('bi-threshold', [msg.biThresholdReached(r.thresholdMb), msg.biThresholdShutdown()]);
      if (r.kind === 'ai-full')
        return fatal('ai-full', [msg.cannotSwitch(r.nextPath), msg.backupAiExtent(), msg.aiFullShutdown()]);
      pending = pending.slice(r.written);
      committed += r.committed;
      switches += r.switches;
      finalSeq = r.seq;
      if (committed - reported >= every) {
        reported = committed;
        reply(conn, { progress: committed });
      }
      // --rate: keep to `rate` transactions per second on average.
      const ahead = rate > 0 ? (committed / rate) * 1000 - (Date.now() - started) : 0;
      await (ahead > 0 ? sleep(ahead) : new Promise((r2) => setImmediate(r2)));
    }
    reply(conn, { final: true, committed, switches, finalSeq });
  } finally {
    removeUser(conn);
  }
}

// A transaction held open in the middle of an update (it holds the update lock): its first
// group is written now, the rest when the client asks to commit; if the client goes away it
// is backed out. A quiet point enable waits for it (docs/openedge.md §5).
async function holdTransaction(conn: Socket, pid: number, updateLock: boolean): Promise<void> {
  addUser(conn, pid);
  const r = await runBatch(conn, [{ part: 'begin', index: -1, ops: [[`held-${nextTrid}`, `held-by-${pid}`]] }]);
  if (r.kind !== 'ok')
    return reply(conn, {
      final: true,
      error: r.kind === 'shutdown' ? 'shutdown' : r.kind,
      message: 'The transaction could not begin.',
    });
  const held = openTxs(conn).get(-1);
  if (held === undefined)
    return reply(conn, { final: true, error: 'shutdown', message: 'The transaction could not begin.' });
  if (updateLock) {
    updateMasterSync(paths, (mb) => {
      mb.quiet.txe = [...(mb.quiet.txe ?? []), held.trid];
    });
  }
  reply(conn, { held: held.trid });
}

async function commitHeld(conn: Socket): Promise<void> {
  const held = active.get(conn)?.get(-1);
  if (held === undefined)
    return reply(conn, { final: true, error: 'bad-request', message: 'no transaction is held on this connection' });
  const r = await runBatch(conn, [{ part: 'end', index: -1, ops: [] }]);
  if (r.kind !== 'ok')
    return reply(conn, {
      final: true,
      error: r.kind === 'shutdown' ? 'shutdown' : r.kind,
      message: 'The transaction could not end.',
    });
  updateMasterSync(paths, (mb) => {
    mb.quiet.txe = (mb.quiet.txe ?? []).filter((t) => t !== held.trid);
  });
  reply(conn, { final: true, ok: true, committed: 1 });
}

function handle(conn: Socket, req: BrokerRequest): void {
  switch (req.op) {
    case 'ping':
      return reply(conn, { final: true, ok: true, pid: process.pid });
    case 'list':
      return reply(conn, { final: true, users: [...users.values()] });
    case 'shutdown':
      if (req.mode === 'bn' && users.size > 0)
        return reply(conn, { final: true, refused: true, userCount: users.size });
      reply(conn, { final: true, ok: true });
      return shutdown(0);
    case 'load':
      if (shuttingDown)
        return reply(conn, { final: true, error: 'shutdown', message: 'The database is shutting down.' });
      void runLoad(conn, req.count, req.seed, req.pid, req.rate ?? 0);
      return;
    case 'hold':
      if (shuttingDown)
        return reply(conn, { final: true, error: 'shutdown', message: 'The database is shutting down.' });
      void holdTransaction(conn, req.pid, req.updateLock ?? true);
      return;
    case 'commit':
      void commitHeld(conn);
      return;
    default:
      return reply(conn, { final: true, error: 'bad-request' });
  }
}

function listen(): void {
  try {
    unlinkSync(sock);
  } catch {
    // no stale socket
  }
  const server = createServer((conn) => {
    let buf = '';
    conn.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        handle(conn, JSON.parse(line) as BrokerRequest);
      }
    });
    conn.on('close', () => removeUser(conn));
    conn.on('error', () => removeUser(conn));
  });
  server.listen(sock);
}

// Shut down when our .lk is deleted (4195) or the database directory disappears.
function watchdog(): void {
  setInterval(() => {
    if (shuttingDown) return;
    if (!existsSync(paths.dir)) {
      unregisterBroker(dlc, process.pid);
      process.exit(1);
    }
    if (readLk(paths.lk)?.pid !== process.pid) {
      log([msg.lkMissing(paths.base)], 'F');
      shutdown(1);
    }
  }, 250);
}

process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
open();
listen();
watchdog();
