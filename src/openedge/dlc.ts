// Locating the OpenEdge installation ($DLC) and the files that make up one database.
import { access, readFile, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { OeflowError } from '../errors.js';

export interface DlcInfo {
  dlc: string;
  /** First line of `$DLC/version`, e.g. `OpenEdge Release 11.7.2 as of …`. */
  version: string;
}

/** The DLC from `--dlc` or `$DLC`, checked for `bin/rfutil` and a readable `version` (OEF-010). */
export async function discoverDlc(
  o: { flag?: string | undefined; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<DlcInfo> {
  const given = o.flag ?? o.env?.DLC;
  if (given === undefined || given === '') {
    throw new OeflowError('OEF-010', 'No OpenEdge installation given: neither --dlc nor DLC is set.');
  }
  const dlc = path.resolve(given);
  const rfutil = path.join(dlc, 'bin', 'rfutil');
  try {
    await access(rfutil, constants.X_OK);
  } catch (cause) {
    throw new OeflowError(
      'OEF-010',
      `${dlc} is not an OpenEdge installation: ${rfutil} is missing or not executable.`,
      { cause, details: { dlc } },
    );
  }
  let version: string;
  try {
    version = await readDlcVersion(dlc);
  } catch (cause) {
    throw new OeflowError(
      'OEF-010',
      `${dlc} is not an OpenEdge installation: ${path.join(dlc, 'version')} cannot be read.`,
      { cause, details: { dlc } },
    );
  }
  return { dlc, version };
}

/** First line of `$DLC/version` (what every utility prints as its banner, docs/openedge.md); throws when unreadable. */
export async function readDlcVersion(dlc: string): Promise<string> {
  return (await readFile(path.join(dlc, 'version'), 'utf8')).split(/\r?\n/)[0]?.trim() ?? '';
}

export interface DbPaths {
  /** Absolute database name as the utilities take it: no `.db`. */
  db: string;
  dbFile: string;
  stFile: string;
  lkFile: string;
  lgFile: string;
  dir: string;
  name: string;
}

/** The files of database `db` (`.db` suffix optional), resolved against `cwd`. */
export function dbPaths(db: string, cwd: string = process.cwd()): DbPaths {
  const abs = path.resolve(cwd, db.endsWith('.db') ? db.slice(0, -3) : db);
  return {
    db: abs,
    dbFile: `${abs}.db`,
    stFile: `${abs}.st`,
    lkFile: `${abs}.lk`,
    lgFile: `${abs}.lg`,
    dir: path.dirname(abs),
    name: path.basename(abs),
  };
}

/** Resolves `db` and checks that its `.db` control area exists (OEF-011). */
export async function assertDbExists(db: string, cwd?: string): Promise<DbPaths> {
  const p = dbPaths(db, cwd);
  const st = await stat(p.dbFile).catch(() => null);
  if (!st?.isFile())
    throw new OeflowError('OEF-011', `Database ${p.db} not found: ${p.dbFile} does not exist.`, {
      details: { db: p.db },
    });
  return p;
}
