// Was the database opened since a given time? A session began in its `.lg` (333 multi-user,
// 451 single-user, docs/openedge.md §2 message table) or a live `.lk` exists (a stale one, e.g. of a
// utility of this run that was killed, is not an opener): used by the offline backup to prove
// nobody touched the database it shut down (verify-not-in-use.ts, engine/world-check.ts).
import { readFileSync } from 'node:fs';
import { lkStale } from './liveness.js';
import { parseLk, unreadableLk } from './parse-lk.js';
import { dbPaths } from './dlc.js';
import { parseLg } from './parse-lg.js';
import type { LkInfo } from './types.js';

export interface OpenedEvidence {
  sessions: { at: string; text: string }[];
  lk: boolean;
}

/** Session begins in the `.lg` text after `sinceMs` (epoch ms). */
export function sessionsBegunSince(lgText: string, sinceMs: number): { at: string; text: string }[] {
  return parseLg(lgText)
    .filter((e) => e.epochMs > sinceMs && (e.number === 333 || e.number === 451))
    .map((e) => ({ at: e.at, text: e.text }));
}

/** Evidence that `db` was opened since `sinceMs`; null when there is none. */
export function openedEvidence(db: string, sinceMs: number): OpenedEvidence | null {
  const { lgFile, lkFile } = dbPaths(db);
  let lg = '';
  try {
    lg = readFileSync(lgFile, 'utf8');
  } catch {
    /* no log: nothing began */
  }
  const sessions = sessionsBegunSince(lg, sinceMs);
  const lk = liveLk(lkFile);
  return sessions.length > 0 || lk ? { sessions, lk } : null;
}

/** A `.lk` that is present and not provably stale (unreadable counts as live: fail safe). */
function liveLk(file: string): boolean {
  return liveLkHolder(file) !== null;
}

/** Who holds the database by its `.lk`, when the `.lk` is present and not provably stale (unreadable: live, fail safe); null otherwise. */
export function liveLkHolder(file: string): LkInfo | null {
  let info: LkInfo;
  try {
    info = parseLk(readFileSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    info = unreadableLk(String(err));
  }
  return lkStale(info) ? null : info;
}
