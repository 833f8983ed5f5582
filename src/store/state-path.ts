// Where the state store lives: --state flag (or `store` in the configuration, applied as the
// flag) > $OEFLOW_STATE > ~/.oeflow/oeflow.db. Never the current directory: runs started by
// hand and by cron land in the same store. The one place this is decided.

import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { OeflowError } from '../errors.js';

export interface StatePathOptions {
  /** Value of --state, if given. */
  flag?: string | undefined;
  /** Value of $OEFLOW_STATE, if set (an empty string counts as unset). */
  env?: string | undefined;
  /** Directory relative paths are resolved against. */
  cwd: string;
  /** Home directory for the default; defaults to os.homedir(). */
  home?: string | undefined;
  /** Create the parent directory (default true; false for commands that only read a store). */
  createDir?: boolean;
}

/** The default store when neither --state, OEFLOW_STATE nor the configuration names one. */
export function defaultStatePath(home: string = homedir()): string {
  return join(home, '.oeflow', 'oeflow.db');
}

/** Resolve the store path by precedence and (unless `createDir` is false) create its parent directory. */
export function resolveStatePath(o: StatePathOptions): string {
  const chosen = nonEmpty(o.flag) ?? nonEmpty(o.env);
  if (chosen === ':memory:') return chosen;
  const path = chosen !== undefined ? resolve(o.cwd, chosen) : defaultStatePath(o.home);
  if (o.createDir === false) return path;
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (cause) {
    throw new OeflowError('OEF-020', `Cannot create the directory of the state store ${path}`, {
      cause,
      details: { path },
    });
  }
  return path;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
