// Is a database served right now? (a valid mode-2 .lk), for the sim commands.
import { lkValid, LK_MULTI, readLk } from './lk-file.js';
import { masterExists } from './master-block.js';
import { dbPaths } from './paths.js';
import { OeflowError } from '../errors.js';

/** The absolute db base when a live broker serves it, else null; OEF-011 when no such db. */
export function brokerRunningAt(db: string): string | null {
  const paths = dbPaths(db);
  if (!masterExists(paths))
    throw new OeflowError('OEF-011', `${paths.dbFile} does not exist`, { details: { db: paths.base } });
  const lk = readLk(paths.lk);
  return lk !== null && lk.mode === LK_MULTI && lkValid(lk) ? paths.base : null;
}
