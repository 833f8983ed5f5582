// The files of a database as the copy must take them (issue 4: every extent plus .db, .st
// and the AI files). The list comes from `prostrct list` (the control area), never from the
// on-disk .st, which OpenEdge does not keep current (`prostrct add` leaves it; docs/openedge.md §6).
import { realpathSync } from 'node:fs';
import { readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Json, ProcedureContext } from '../../machines/contract.js';
import { relPathFor, type CopyReport, type CopySource } from '../copy/index.js';
import { OeflowError } from '../errors.js';
import { dbPaths } from '../openedge/dlc.js';
import { compareSt, resolveExtentPaths } from '../openedge/st-extents.js';
import { formatSt, parseSt, type StExtentLine, type StFile } from '../openedge/st-file.js';
import { requireSuccess } from './probes.js';
import type { StepEnv } from './step.js';
import { withScratchDir } from '../scratch-dir.js';

const roleOfType: Record<string, CopySource['role']> = { a: 'ai', b: 'bi', d: 'data', t: 'other' };

export interface DatabaseFiles {
  /** For oeflow's copy: .db, the current .st (from prostrct list, full paths) as `<db>.st`, every extent. */
  sources: CopySource[];
  /** For a snapshot command, which copies what is on disk: .db, the on-disk .st (if any), every extent. */
  onDiskSources: CopySource[];
  /** Facts for the step: where the list came from and how the on-disk .st differs. */
  structure: { [key: string]: Json };
}

/** The file list as prostrct list gave it, JSON-safe so a step can keep it in its facts. */
export interface ListedFiles {
  control: CopySource;
  /** Every extent prostrct list reports, with its place in the copy (relPath) fixed now. */
  extents: CopySource[];
  /** The current structure (full paths) as `.st` text, and where it goes in the copy. */
  st: { text: string; relPath: string };
  /** The on-disk .st, when there is one (a snapshot copies it). */
  onDiskSt: CopySource | null;
  structure: { [key: string]: Json };
}

/**
 * Runs `prostrct list <db> <tmp>.st` into a temporary directory outside the database
 * directory and returns the file list; the directory is removed before returning.
 */
export async function listDatabaseFiles(env: StepEnv, db: string): Promise<ListedFiles> {
  const paths = dbPaths(db);
  return withScratchDir('st', async (tmp) => {
    await refuseInside(tmp, paths.dir);
    const listedFile = path.join(tmp, `${paths.name}.listed.st`);
    requireSuccess(await env.tools.prostrctList(paths.db, listedFile, { signal: env.signal }), 'prostrct list');
    const listed = resolveExtentPaths(parseSt(await readFile(listedFile, 'utf8')), {
      dbDir: paths.dir,
      cwd: process.cwd(),
      realPath: realPathOrNull,
    });
    const realDb = realPathOrNull(paths.dir) ?? paths.dir;
    // the index is the file's place in [control, .st, ...extents], as the copier numbers files outside the db directory
    const extents = listed.lines
      .filter((l): l is StExtentLine => l.kind === 'extent')
      .map((e, i) => ({
        path: e.path,
        role: roleOfType[e.type] ?? 'other',
        relPath: relPathFor(realPathOrNull(e.path) ?? e.path, i + 2, realDb),
      }));
    const onDisk = await readOnDiskSt(paths.stFile);
    return {
      control: {
        path: paths.dbFile,
        role: 'control',
        relPath: relPathFor(realPathOrNull(paths.dbFile) ?? paths.dbFile, 0, realDb),
      },
      extents,
      st: { text: formatSt(listed), relPath: `${paths.name}.st` },
      onDiskSt: onDisk.st ? { path: paths.stFile, role: 'structure' } : null,
      structure: structureFacts(listed, onDisk, paths.stFile, paths.dir),
    };
  });
}

/** Writes the listed `.st` into a temporary directory, hands the copy's sources to `use`, and removes it afterwards. */
export async function withListedFiles<T>(files: ListedFiles, use: (files: DatabaseFiles) => Promise<T>): Promise<T> {
  return withScratchDir('st', async (tmp) => {
    const currentSt = path.join(tmp, path.basename(files.st.relPath));
    await writeFile(currentSt, files.st.text);
    return await use({
      sources: [files.control, { path: currentSt, role: 'structure', relPath: files.st.relPath }, ...files.extents],
      // a snapshot command names its files itself (the copier numbers them as before)
      onDiskSources: [
        files.control,
        ...(files.onDiskSt ? [files.onDiskSt] : []),
        ...files.extents.map(({ relPath: _r, ...e }) => e),
      ],
      structure: files.structure,
    });
  });
}

/**
 * The list prepareCopy made before the quiet point (checked again after it), else prostrct list
 * now (offline), then `use` as withListedFiles.
 */
export async function withDatabaseFiles<T>(
  env: StepEnv,
  db: string,
  use: (files: DatabaseFiles) => Promise<T>,
): Promise<T> {
  return withListedFiles(preparedFiles(env.ctx.facts) ?? (await listDatabaseFiles(env, db)), use);
}

/**
 * The file list the online copy follows, if one was read: the one prepareCopy listed itself, else
 * the one preflight read in its round of calls (which prepareCopy took: issue 9).
 */
export function preparedFiles(facts: ProcedureContext['facts']): ListedFiles | null {
  const files = facts['prepareCopy']?.['files'] ?? facts['preflight']?.['files'];
  return files === undefined || files === null ? null : (files as unknown as ListedFiles);
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
    return {
      ...base,
      onDiskSt: onDisk.problem,
      warning: `${stFile} is ${onDisk.problem}; the copy holds the structure prostrct list reported`,
    };
  }
  const diff = compareSt(listed, onDisk.st, dbDir);
  if (diff.onlyListed.length === 0 && diff.onlyOnDisk.length === 0) return { ...base, onDiskSt: 'same' };
  const parts = [
    ...(diff.onlyListed.length > 0 ? [`missing ${diff.onlyListed.join(', ')}`] : []),
    ...(diff.onlyOnDisk.length > 0
      ? [`naming ${diff.onlyOnDisk.join(', ')}, which the control area does not have`]
      : []),
  ];
  return {
    ...base,
    onDiskSt: 'differs',
    onlyListed: diff.onlyListed,
    onlyOnDisk: diff.onlyOnDisk,
    warning: `${stFile} is out of date (${parts.join('; ')}); the copy follows prostrct list. Run \`prostrct list ${stFile.replace(/\.st$/, '')}\` to refresh it`,
  };
}

// The temporary .st must never land among the database's files (docs/openedge.md §6: list replaces the file it writes).
async function refuseInside(tmp: string, dbDir: string): Promise<void> {
  const rel = path.relative(await realpath(dbDir).catch(() => dbDir), await realpath(tmp));
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
    throw new OeflowError('OEF-303', `The temporary directory ${tmp} is inside the database directory ${dbDir}.`, {
      hint: 'Point TMPDIR outside the database directory.',
      details: { tmp, dbDir },
    });
  }
}

function realPathOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** The facts a copy or a clone transfer records about the backup it wrote (the same for both). */
export function copiedFacts(
  report: CopyReport,
  destination: string,
  structure: { [key: string]: Json },
  copyMethod: 'copy' | 'clone',
): { [key: string]: Json } {
  return {
    destination,
    manifestDigest: report.manifest.digest,
    manifestPath: report.manifestPath,
    files: report.manifest.entries.length,
    bytesCopied: report.bytesCopied,
    filesSkipped: report.filesSkipped,
    durationMs: report.durationMs,
    structure,
    copyMethod,
  };
}
