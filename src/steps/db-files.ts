// The files of a database as the copy must take them (issue 4: every extent plus .db, .st
// and the AI files). The list comes from `prostrct list` (the control area), never from the
// on-disk .st, which OpenEdge does not keep current (`prostrct add` leaves it; FACTS §6).
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Json } from '../../machines/contract.js';
import type { CopySource } from '../copy/index.js';
import { OeflowError } from '../errors.js';
import { dbPaths } from '../openedge/dlc.js';
import { compareSt, resolveExtentPaths } from '../openedge/st-extents.js';
import { formatSt, parseSt, type StExtentLine, type StFile } from '../openedge/st-file.js';
import { requireSuccess } from './probes.js';
import type { StepEnv } from './step.js';

const roleOfType: Record<string, CopySource['role']> = { a: 'ai', b: 'bi', d: 'data', t: 'other' };

export interface DatabaseFiles {
  /** For oeflow's copy: .db, the current .st (from prostrct list, full paths) as `<db>.st`, every extent. */
  sources: CopySource[];
  /** For a snapshot command, which copies what is on disk: .db, the on-disk .st (if any), every extent. */
  onDiskSources: CopySource[];
  /** Facts for the step: where the list came from and how the on-disk .st differs. */
  structure: { [key: string]: Json };
}

/**
 * Runs `prostrct list <db> <tmp>.st` into a temporary directory outside the database
 * directory, hands the file list to `use`, and removes the directory afterwards.
 */
export async function withDatabaseFiles<T>(env: StepEnv, db: string, use: (files: DatabaseFiles) => Promise<T>): Promise<T> {
  const paths = dbPaths(db);
  const tmp = await mkdtemp(path.join(tmpdir(), 'oeflow-st-'));
  try {
    await refuseInside(tmp, paths.dir);
    const listedFile = path.join(tmp, `${paths.name}.listed.st`);
    requireSuccess(await env.tools.prostrctList(paths.db, listedFile, { signal: env.signal }), 'prostrct list');
    const listed = resolveExtentPaths(parseSt(await readFile(listedFile, 'utf8')), { dbDir: paths.dir, cwd: process.cwd(), realPath: realPathOrNull });
    const currentSt = path.join(tmp, `${paths.name}.st`);
    await writeFile(currentSt, formatSt(listed));
    const extents = listed.lines
      .filter((l): l is StExtentLine => l.kind === 'extent')
      .map((e) => ({ path: e.path, role: roleOfType[e.type] ?? 'other' }));
    const onDisk = await readOnDiskSt(paths.stFile);
    const control: CopySource = { path: paths.dbFile, role: 'control' };
    return await use({
      sources: [control, { path: currentSt, role: 'structure', relPath: `${paths.name}.st` }, ...extents],
      onDiskSources: [control, ...(onDisk.st ? [{ path: paths.stFile, role: 'structure' as const }] : []), ...extents],
      structure: structureFacts(listed, onDisk, paths.stFile, paths.dir),
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

type OnDisk = { st: StFile; problem?: undefined } | { st?: undefined; problem: 'missing' | 'unreadable' };

async function readOnDiskSt(file: string): Promise<OnDisk> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { problem: 'missing' };
  }
  try {
    return { st: parseSt(text) };
  } catch {
    return { problem: 'unreadable' };
  }
}

// A stale on-disk .st is reported, not refused: the copy uses the control area's list.
function structureFacts(listed: StFile, onDisk: OnDisk, stFile: string, dbDir: string): { [key: string]: Json } {
  const extents = listed.lines.filter((l) => l.kind === 'extent').length;
  const base = { from: 'prostrct list', extents };
  if (onDisk.st === undefined) {
    return { ...base, onDiskSt: onDisk.problem, warning: `${stFile} is ${onDisk.problem}; the copy holds the structure prostrct list reported` };
  }
  const diff = compareSt(listed, onDisk.st, dbDir);
  if (diff.onlyListed.length === 0 && diff.onlyOnDisk.length === 0) return { ...base, onDiskSt: 'same' };
  const parts = [
    ...(diff.onlyListed.length > 0 ? [`missing ${diff.onlyListed.join(', ')}`] : []),
    ...(diff.onlyOnDisk.length > 0 ? [`naming ${diff.onlyOnDisk.join(', ')}, which the control area does not have`] : []),
  ];
  return {
    ...base, onDiskSt: 'differs', onlyListed: diff.onlyListed, onlyOnDisk: diff.onlyOnDisk,
    warning: `${stFile} is out of date (${parts.join('; ')}); the copy follows prostrct list. Run \`prostrct list ${stFile.replace(/\.st$/, '')}\` to refresh it`,
  };
}

// The temporary .st must never land among the database's files (FACTS §6: list replaces the file it writes).
async function refuseInside(tmp: string, dbDir: string): Promise<void> {
  const rel = path.relative(await realpath(dbDir).catch(() => dbDir), await realpath(tmp));
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
    throw new OeflowError('OEF-303', `The temporary directory ${tmp} is inside the database directory ${dbDir}.`, { hint: 'Point TMPDIR outside the database directory.', details: { tmp, dbDir } });
  }
}

function realPathOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}
