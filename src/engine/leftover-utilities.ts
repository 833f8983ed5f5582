// A utility that a killed run started goes on running: it has its own process group, so the
// kill did not reach it. A resume that reconciled or re-ran its step meanwhile would race it
// (a proserve still starting the broker, a roll forward still applying its file). So every
// state-changing spawn is journaled with its pid, and a resume first waits for those that have
// no recorded result and still run on this host. Site commands (--snapshot-cmd, --jobs-check)
// are journaled the same way (siteCommandNote), and their end too: a resume never starts a
// second snapshot of the volume while the killed run's one still runs.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { OeflowError } from '../errors.js';
import { groupAlive, pidAlive } from '../openedge/liveness.js';
import {
  canonicalJson,
  decodeJournal,
  type JournalEntry,
  type JournalRow,
  type SpawnedUtility,
} from '../store/index.js';
import type { Reporter } from './reporter.js';

export type { SpawnedUtility };

/** How long a resume waits for a leftover utility before it gives up (OEF-041); OEFLOW_LEFTOVER_WAIT_MS overrides. */
export const LEFTOVER_WAIT_MS = 60_000;

function waitFromEnv(): number {
  const text = process.env['OEFLOW_LEFTOVER_WAIT_MS'] ?? '';
  const n = Number(text);
  return text !== '' && Number.isFinite(n) && n >= 0 ? n : LEFTOVER_WAIT_MS;
}

/** Journal data of a spawn note. */
export function spawnNote(pid: number, argv: readonly string[]): { spawned: SpawnedUtility } {
  return { spawned: { pid, host: hostname(), argv: [...argv] } };
}

/** Journal data of a site command's start: its shell's pid (a shell may exec its command, so no argv check). */
export function siteCommandNote(pid: number, argv: readonly string[], ownGroup: boolean): { spawned: SpawnedUtility } {
  return { spawned: { ...spawnNote(pid, argv).spawned, siteCommand: { ownGroup } } };
}

/** Journal data of a site command's end. */
export function siteCommandEndNote(pid: number): { siteCommandEnded: { pid: number } } {
  return { siteCommandEnded: { pid } };
}

/** True while the pid lives and (where /proc tells) still runs that utility, not a reused pid. */
function stillRunning(u: SpawnedUtility): boolean {
  if (u.siteCommand !== undefined) return u.siteCommand.ownGroup ? groupAlive(u.pid) : pidAlive(u.pid);
  if (!pidAlive(u.pid)) return false;
  try {
    return readFileSync(`/proc/${u.pid}/cmdline`, 'utf8').includes(u.argv[0] ?? '');
  } catch {
    return true; // no /proc: trust the pid
  }
}

/** Utilities the run spawned on this host whose command row was never journaled and that still run. */
export function leftoverUtilities(rows: readonly JournalRow[]): SpawnedUtility[] {
  const open: { row: JournalEntry; u: SpawnedUtility }[] = [];
  for (const row of decodeJournal(rows)) {
    if (row.kind === 'note' && row.data.spawned !== null) open.push({ row, u: row.data.spawned });
    const ended = row.kind === 'note' ? row.data.siteCommandEnded : null;
    if (ended !== null) {
      const i = open.findIndex(
        (o) => o.row.stepKey === row.stepKey && o.row.attempt === row.attempt && o.u.pid === ended.pid,
      );
      if (i >= 0) open.splice(i, 1);
    }
    if (row.kind === 'command') {
      const argv = canonicalJson(row.data.argv);
      const i = open.findIndex(
        (o) => o.row.stepKey === row.stepKey && o.row.attempt === row.attempt && canonicalJson(o.u.argv) === argv,
      );
      if (i >= 0) open.splice(i, 1);
    }
  }
  return open.map((o) => o.u).filter((u) => u.host === hostname() && stillRunning(u));
}

/** Wait (up to `waitMs`) for the run's leftover utilities to end; OEF-041 naming them if they do not. */
export async function waitForLeftovers(
  rows: readonly JournalRow[],
  runId: string,
  reporter: Reporter,
  waitMs = waitFromEnv(),
): Promise<void> {
  let left = leftoverUtilities(rows);
  if (left.length === 0) return;
  const names = (us: SpawnedUtility[]) => us.map((u) => `pid ${u.pid}: ${u.argv.join(' ')}`).join('; ');
  reporter({
    type: 'notice',
    runId,
    message: `waiting up to ${Math.round(waitMs / 1000)} s for what the interrupted run left running (${names(left)})`,
  });
  const deadline = Date.now() + waitMs;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    left = left.filter(stillRunning);
  }
  if (left.length > 0) {
    throw new OeflowError(
      'OEF-041',
      `run ${runId} cannot resume while a utility or site command it started is still running (${names(left)})`,
      { details: { runId, leftover: left } },
    );
  }
}
