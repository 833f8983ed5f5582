// Extent paths of a `prostrct list` .st made absolute, and compared with the on-disk .st.
// OpenEdge keeps relative paths as given at create time and resolves them against the
// process's working directory (docs/openedge.md §6, 12475), so a relative path is only trusted when
// it leads to exactly one existing file.
import path from 'node:path';
import { OeflowError } from '../errors.js';
import { rewriteStPaths, type StExtentLine, type StFile } from './st-file.js';

export interface ResolveContext {
  /** Directory of the database (`<db>.db`). */
  dbDir: string;
  /** Working directory the utilities run in. */
  cwd: string;
  /** The file's real path, or null when it does not exist. */
  realPath(p: string): string | null;
}

/** The .st with every extent path absolute; OEF-306 for a relative path that is missing or ambiguous. */
export function resolveExtentPaths(st: StFile, c: ResolveContext): StFile {
  return rewriteStPaths(st, (p) => (path.isAbsolute(p) ? p : resolveRelative(p, c)));
}

// Candidates: the utility's cwd (where OpenEdge looks) and the database directory (where
// `prostrct create` was usually run). Both existing as different files is not guessed.
function resolveRelative(p: string, c: ResolveContext): string {
  const found = new Map<string, string>();
  for (const base of [c.cwd, c.dbDir]) {
    const candidate = path.resolve(base, p);
    const real = c.realPath(candidate);
    if (real !== null && !found.has(real)) found.set(real, candidate);
  }
  const [only, ...others] = [...found.values()];
  if (only !== undefined && others.length === 0) return only;
  const why = only === undefined ? 'exists neither' : 'names different files';
  throw new OeflowError(
    'OEF-306',
    `prostrct list names the relative extent path ${p}, which ${why} in ${c.cwd} and in ${c.dbDir}: refusing to guess which files to copy.`,
    {
      details: { path: p, cwd: c.cwd, dbDir: c.dbDir, candidates: [...found.values()] },
    },
  );
}

export interface StDifference {
  /** Extents the control area has (prostrct list) that the on-disk .st lacks. */
  onlyListed: string[];
  /** Extents the on-disk .st names that the control area does not have. */
  onlyOnDisk: string[];
}

/** Extents (type and absolute path) in one .st but not the other; on-disk relative paths are taken from `dbDir`. */
export function compareSt(listed: StFile, onDisk: StFile, dbDir: string): StDifference {
  const keys = (st: StFile): Map<string, string> =>
    new Map(
      st.lines
        .filter((l): l is StExtentLine => l.kind === 'extent')
        .map((l) => {
          const p = path.resolve(dbDir, l.path);
          return [`${l.type} ${p}`, p] as const;
        }),
    );
  const a = keys(listed);
  const b = keys(onDisk);
  return {
    onlyListed: [...a].filter(([k]) => !b.has(k)).map(([, p]) => p),
    onlyOnDisk: [...b].filter(([k]) => !a.has(k)).map(([, p]) => p),
  };
}
