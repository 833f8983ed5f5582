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
import { lastTrid } from './data-file.js';
import { createLk, LK_MULTI, readLk, removeLk } from './lk-file.js';
import { appendLog, type LogSource, type Severity } from './log-file.js';
import { dataExtent, readMaster, updateMasterSync, withLock } from './master-block.js';
import { msg, type Msg } from './messages.js';
import { dbPaths, socketPath } from './paths.js';
import { registerBroker, unregisterBroker } from './registry.js';
import { commitBatch } from './tx-commit.js';
import { ARCHIVER_TICK_MS, archiverParams, archiverTick, enableArchiver } from './archiver.js';
import { txOps } from './workload.js';

const [baseArg = '', ...flags] = process.argv.slice(2);
const paths = dbPaths(baseArg);
const dlc = resolve(process.env['OEFLOW_SIM_DLC'] ?? process.env['DLC'] ?? '.');
const aistall = flags.includes('-aistall');
const archiver = archiverParams(flags);
const SRC: LogSource = { tag: 'BROKER', usr: 0 };
const sock = socketPath(paths.base);

const log = (msgs: readonly Msg[], sev: Severity = 'I'): void => appendLog(paths.lg, SRC, msgs, sev);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const users = new Map<Socket, UserRow>();
let shuttingDown = false;
let nextTrid = 1;

function version(): string {
  try {
    return /Release\s+(\S+)/.exec(readFileSync(resolve(dlc, 'version'), 'utf8'))?.[1] ?? '12.8';
  } catch {
    return '12.8';
  }
}

function open(): void {
  if (!createLk(paths.lk, LK_MULTI)) {
    log([msg.inUseMulti(paths.base)], 'E');
    process.exit(1);
  }
  registerBroker(dlc, { pid: process.pid, base: paths.base });
  const now = Date.now();
  let recovered = false;
  updateMasterSync(paths, (mb) => {
    recovered = mb.state !== 'closed';
    mb.priorOpenDate = mb.lastOpenDate;
    mb.lastOpenDate = now;
    mb.lstmod = now;
    mb.state = 'open';
    mb.shmId = Math.floor(Math.random() * 1e7);
    mb.quiet = { state: 0, nolock: false };
  });
  const archiving = archiver !== null && !('text' in archiver)
    ? updateMasterSync(paths, (mb) => {
      if (!mb.ai.enabled) return false;
      enableArchiver(mb, archiver);
      return true;
    })
    : false;
  nextTrid = lastTrid(dataExtent(readMaster(paths)).path) + 1;
  log([
    msg.sessionBegin(),
    msg.release(version(), platform() === 'linux' ? 'Linux 64bit' : platform()),
    msg.parameter(`Physical Database Name (-db): ${paths.base}.`),
    msg.parameter(`Host Name (-H): ${hostname()}.`),
    msg.parameter(`After-image Stall (-aistall): ${aistall ? 'Enabled' : 'Not Enabled'}.`),
    ...(recovered ? [msg.crashRecovery()] : []),
    msg.connectionsEnabled(),
  ]);
  if (archiving && archiver !== null && !('text' in archiver)) log([msg.archiverEnabled(archiver.dirs.join(','))]);
  startArchiverDaemon();
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
      .catch((err: unknown) => log([msg.parameter(`AI archiver pass failed: ${err instanceof Error ? err.message : String(err)}`)], 'E'));
  }, ARCHIVER_TICK_MS);
  timer.unref();
}

/** Close the session: master block closed, (334), .lk removed (unless it is already gone). */
function shutdown(code = 0): void {
  if (shuttingDown) return;
  shuttingDown = true;
  try {
    if (users.size > 0) log([msg.sendingSignal(15, users.size)]);
    for (const conn of users.keys()) reply(conn, { final: true, error: 'shutdown', message: 'The database was shut down.' });
    if (existsSync(paths.dbFile)) {
      updateMasterSync(paths, (mb) => {
        mb.state = 'closed';
        mb.shmId = null;
        mb.quiet = { state: 0, nolock: false };
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
  const row = users.get(conn);
  if (row === undefined) return;
  users.delete(conn);
  appendLog(paths.lg, { tag: 'ABL', usr: row.usr }, [msg.logoutBy(row.user, row.tty)]);
}

const BATCH = 20;

type BatchResult = { kind: 'ok'; committed: number; switches: number; seq: number } | { kind: 'shutdown' } | { kind: 'ai-full'; nextPath: string };

// Commit a batch of transactions (one lock hold): waits during a quiet point, and when AI
// is full stalls (-aistall) or reports it. Returns after at least one commit or a stop.
async function runBatch(batch: [string, string][][]): Promise<BatchResult> {
  let stalled = false;
  for (;;) {
    if (shuttingDown) return { kind: 'shutdown' };
    const { results } = await withLock(paths, () => commitBatch(paths, nextTrid, batch, Date.now()));
    const ok = results.filter((r) => r.kind === 'ok');
    for (const r of ok) log(r.logs);
    if (ok.length > 0) {
      nextTrid += ok.length;
      if (stalled) log([msg.aiContinuing()]);
      const last = ok[ok.length - 1];
      return { kind: 'ok', committed: ok.length, switches: ok.filter((r) => r.switched).length, seq: last?.seq ?? 0 };
    }
    const stop = results[0];
    if (stop?.kind === 'ai-full' && !aistall) return stop;
    if (stop?.kind === 'ai-full' && !stalled) {
      stalled = true;
      log([msg.aiStalled()], 'W');
    }
    await sleep(stop?.kind === 'quiet' ? 20 : 50);
  }
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
  try {
    while (committed < count) {
      if (conn.destroyed) return;
      const batch: [string, string][][] = [];
      for (let i = committed; i < Math.min(count, committed + batchSize); i++) batch.push(txOps(seed, i));
      const r = await runBatch(batch);
      if (r.kind === 'shutdown') return reply(conn, { final: true, error: 'shutdown', message: 'The database was shut down.', committed, switches, finalSeq });
      if (r.kind === 'ai-full') {
        const m = [msg.cannotSwitch(r.nextPath), msg.backupAiExtent(), msg.aiFullShutdown()];
        log(m, 'E');
        reply(conn, { final: true, error: 'ai-full', message: m.map((x) => x.text).join(' '), committed, switches, finalSeq });
        users.delete(conn);
        return shutdown(1);
      }
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

function handle(conn: Socket, req: BrokerRequest): void {
  switch (req.op) {
    case 'ping':
      return reply(conn, { final: true, ok: true, pid: process.pid });
    case 'list':
      return reply(conn, { final: true, users: [...users.values()] });
    case 'shutdown':
      if (req.mode === 'bn' && users.size > 0) return reply(conn, { final: true, refused: true, userCount: users.size });
      reply(conn, { final: true, ok: true });
      return shutdown(0);
    case 'load':
      if (shuttingDown) return reply(conn, { final: true, error: 'shutdown', message: 'The database is shutting down.' });
      void runLoad(conn, req.count, req.seed, req.pid, req.rate ?? 0);
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
