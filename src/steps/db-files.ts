// The files of a database as the copy must take them (issue 4: every file the .st
// names plus .db, .st and the AI files), read from the live structure file.
import { readFile } from 'node:fs/promises';
import type { CopySource } from '../copy/index.js';
import { dbPaths } from '../openedge/dlc.js';
import { parseSt, type StExtentLine } from '../openedge/st-file.js';

const roleOfType: Record<string, CopySource['role']> = { a: 'ai', b: 'bi', d: 'data', t: 'other' };

/** Every file of the database, control area and structure file first. */
export async function databaseFiles(db: string): Promise<CopySource[]> {
  const paths = dbPaths(db);
  const st = parseSt(await readFile(paths.stFile, 'utf8'));
  const extents = st.lines
    .filter((l): l is StExtentLine => l.kind === 'extent')
    .map((e) => ({ path: e.path, role: roleOfType[e.type] ?? 'other' }));
  return [{ path: paths.dbFile, role: 'control' }, { path: paths.stFile, role: 'structure' }, ...extents];
}
