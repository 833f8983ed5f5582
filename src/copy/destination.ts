// May a new backup copy go to this destination? Checked in preflight, before the database is
// touched (a shutdown or a quiet point spent on a copy that cannot be written uses up an AI
// extent for nothing): not inside the database directory, and not over another backup.
import { readdirSync } from 'node:fs';
import { isErrorCode, type ErrorCode } from '../errors.js';
import { checkDestinationOutsideDb } from './copier.js';
import { JOURNAL_FILE, MANIFEST_FILE } from './manifest.js';

/** Why `destination` cannot take a new copy (null: it can). `ownManifest`: this run already finished a copy there. */
export async function destinationProblem(
  destination: string,
  dbDir: string,
  ownManifest: boolean,
): Promise<{ code: ErrorCode; message: string } | null> {
  try {
    await checkDestinationOutsideDb(destination, dbDir);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOTDIR') return notADirectory(destination);
    // an OEF code of the check itself; any other file-system error is the destination's problem
    const message = err instanceof Error ? err.message : String(err);
    if (code === undefined) return { code: 'OEF-303', message };
    if (isErrorCode(code)) return { code, message };
    return { code: 'OEF-305', message: `cannot check the destination ${destination}: ${message}` };
  }
  let names: string[];
  try {
    names = readdirSync(destination);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return notADirectory(destination);
    return { code: 'OEF-305', message: `cannot read the destination ${destination}: ${(err as Error).message}` };
  }
  if (names.includes(MANIFEST_FILE) && !ownManifest) {
    return {
      code: 'OEF-305',
      message: `${destination} already holds a finished backup (${MANIFEST_FILE}): a new copy would overwrite it`,
    };
  }
  // a partial copy (its journal) may be resumed; anything else is someone's files
  if (!names.includes(MANIFEST_FILE) && names.length > 0 && !names.includes(JOURNAL_FILE)) {
    return {
      code: 'OEF-305',
      message: `${destination} is not empty and holds no oeflow copy (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`,
    };
  }
  return null;
}

/** `--to <file>/sub`, or `--to <file>`: said in words, not as a raw ENOTDIR. */
function notADirectory(destination: string): { code: ErrorCode; message: string } {
  return {
    code: 'OEF-305',
    message: `the destination ${destination} cannot be a directory: it, or a directory above it, is an existing file`,
  };
}
