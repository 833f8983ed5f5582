// Where the state store lives: --state flag > $OEFLOW_STATE > <oeflow checkout>/state/oeflow.db
// > ~/.oeflow/oeflow.db. The one place this is decided.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { OeflowError } from '../errors.js';

export interface StatePathOptions {
  /** Value of --state, if given. */
  flag?: string | undefined;
  /** Value of $OEFLOW_STATE, if set (an empty string counts as unset). */
  env?: string | undefined;
  /** Directory relative paths are resolved against, and where the checkout search starts. */
  cwd: string;
  /** Home directory for the last fallback; defaults to os.homedir(). */
  home?: string | undefined;
  /** Create the parent directory (default true; false for commands that only read a store). */
  createDir?: boolean;
}

/** Resolve the store path by precedence and (unless `createDir` is false) create its parent directory. */
export function resolveStatePath(o: StatePathOptions): string {
  const chosen = nonEmpty(o.flag) ?? nonEmpty(o.env);
  if (chosen === ':memory:') return chosen;
  const path =
    chosen !== undefined
      ? resolve(o.cwd, chosen)
      : (() => {
          const checkout = findCheckout(resolve(o.cwd));
          return checkout !== undefined
            ? join(checkout, 'state', 'oeflow.db')
            : join(o.home ?? homedir(), '.oeflow', 'oeflow.db');
        })();
  if (o.createDir === false) return path;
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (cause) {
    throw new OeflowError('OEF-020', `Cannot create the directory of the state store ${path}`, { cause, details: { path } });
  }
  return path;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

/** Nearest ancestor of `start` (inclusive) whose package.json is named "oeflow". */
function findCheckout(start: string): string | undefined {
  for (let dir = start; ; ) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && packageName(manifest) === 'oeflow') return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function packageName(manifest: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && typeof parsed.name === 'string') return parsed.name;
  } catch {
    // An unreadable or invalid package.json is not an oeflow checkout; keep walking up.
  }
  return undefined;
}
