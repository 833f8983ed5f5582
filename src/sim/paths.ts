// Where the files of one database live, derived from the db argument as the real
// utilities take it: a path without `.db` (a trailing `.db` is accepted), relative to cwd.
import { crypto } from './builtins.js';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, resolve } from 'node:path';

export interface DbPaths {
  /** Absolute path without extension, e.g. /data/sports */
  readonly base: string;
  readonly name: string;
  readonly dir: string;
  /** Control area: the simulated master block. */
  readonly dbFile: string;
  readonly lk: string;
  readonly lg: string;
  readonly st: string;
  readonly simlock: string;
  readonly archivalLog: string;
}

/** Resolve a db argument (`sports`, `/x/sports`, `/x/sports.db`) to its file set. */
export function dbPaths(arg: string, cwd: string = process.cwd()): DbPaths {
  const noExt = arg.endsWith('.db') ? arg.slice(0, -3) : arg;
  const base = isAbsolute(noExt) ? resolve(noExt) : resolve(cwd, noExt);
  return {
    base,
    name: basename(base),
    dir: dirname(base),
    dbFile: `${base}.db`,
    lk: `${base}.lk`,
    lg: `${base}.lg`,
    st: `${base}.st`,
    simlock: `${base}.simlock`,
    archivalLog: `${base}.archival.log`,
  };
}

/** Unix socket of the broker serving `base` (hashed: socket paths must stay < 108 bytes). */
export function socketPath(base: string): string {
  const h = crypto().createHash('sha256').update(base).digest('hex').slice(0, 16);
  return resolve(tmpdir(), `oeflow-sim-${h}.sock`);
}
