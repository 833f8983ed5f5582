// `oeflow sim digest <db>`: a canonical digest of the current records, read through
// the control area (so it works on a source, a copy, and a rolled-forward copy).
import { existsSync } from 'node:fs';
import { OeflowError } from '../errors.js';
import { digestData } from './data-file.js';
import { dataExtent, masterExists, readMaster } from './master-block.js';
import { dbPaths } from './paths.js';

export interface DigestResult {
  db: string;
  digest: string;
  records: number;
}

/** sha256 over the sorted records of the data area (+ their count). */
export function digestDb(db: string): DigestResult {
  const paths = dbPaths(db);
  if (!masterExists(paths))
    throw new OeflowError('OEF-011', `${paths.dbFile} does not exist`, { details: { db: paths.base } });
  const data = dataExtent(readMaster(paths)).path;
  if (!existsSync(data))
    throw new OeflowError(
      'OEF-011',
      `the data extent ${data} named by the control area does not exist (was the copy repaired?)`,
      { details: { db: paths.base, data } },
    );
  return { db: paths.base, ...digestData(data) };
}
