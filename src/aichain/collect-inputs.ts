// Expands the planner's inputs: named files stay as given, directories give every
// regular file in them (not recursive). Unreadable named inputs become problems.
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { parseArchiverName } from './archiver-name.js';
import { compressionOf } from './decompress.js';
import type { ChainProblem } from './types.js';

export interface Candidate {
  path: string;
  /** Named on the command line (true) or found in a named directory (false). */
  explicit: boolean;
  /** Named like an AI archiver file: if its scan fails, that is reported, not skipped. */
  archiverName: boolean;
  /** Compressed by the site (by its extension): decompressed before its scan (decompress.ts). */
  compressed: boolean;
}

/** The candidate AI files of `inputs`, each real file once, plus the inputs that cannot be read. */
export async function collectInputs(
  inputs: readonly string[],
): Promise<{ candidates: Candidate[]; problems: ChainProblem[] }> {
  const candidates: Candidate[] = [];
  const problems: ChainProblem[] = [];
  const seen = new Map<string, Candidate>();
  const add = async (file: string, explicit: boolean): Promise<void> => {
    const real = await realpath(file).catch(() => file);
    const prior = seen.get(real);
    if (prior) {
      prior.explicit ||= explicit;
      return;
    }
    const compressed = compressionOf(file);
    const plainName = compressed ? path.basename(file).slice(0, -compressed.ext.length) : path.basename(file);
    const c = {
      path: file,
      explicit,
      archiverName: parseArchiverName(plainName) !== null,
      compressed: compressed !== null,
    };
    seen.set(real, c);
    candidates.push(c);
  };
  for (const input of inputs) {
    const abs = path.resolve(input);
    const st = await stat(abs).catch((err: NodeJS.ErrnoException) => err);
    if (st instanceof Error) {
      problems.push(unreadable(abs, st.code ?? st.message));
    } else if (st.isDirectory()) {
      const names = (await readdir(abs)).sort();
      for (const name of names) {
        const file = path.join(abs, name);
        const s = await stat(file).catch(() => null);
        if (s?.isFile()) await add(file, false);
      }
    } else if (!st.isFile()) {
      problems.push(unreadable(abs, 'not a regular file'));
    } else if (!(await readable(abs))) {
      problems.push(unreadable(abs, 'permission denied'));
    } else {
      await add(abs, true);
    }
  }
  return { candidates, problems };
}

/** An 'unreadable' problem for `file`. */
export function unreadable(file: string, why: string): ChainProblem {
  return { kind: 'unreadable', message: `${file} cannot be read (${why})`, paths: [file] };
}

async function readable(file: string): Promise<boolean> {
  return access(file, constants.R_OK).then(
    () => true,
    () => false,
  );
}
