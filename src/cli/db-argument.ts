// The database path as oeflow keys runs, locks and the catalog by: absolute, without `.db`,
// with symlinks in its directory resolved, so that one database reached through two paths
// still has one lock and one history.
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Canonical form of a database argument (`/db/sports`, `sports.db`, `/link/sports` → `/real/sports`). */
export function dbArgument(arg: string): string {
  const abs = resolve(arg).replace(/\.db$/, '');
  try {
    return join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs; // a directory that does not exist: the commands report the missing database
  }
}
