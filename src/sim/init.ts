// `oeflow sim init`: a fake $DLC (bin scripts, version, invocation log) and a database
// file set with AI enabled and marked backed up.
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { OeflowError } from '../errors.js';
import { TLS_FREE_SH } from '../tls-free-env.js';
import { beginAi } from './ai-switch.js';
import { newKeyStore } from './encryption.js';
import { writeData } from './data-file.js';
import { writeMaster, type Extent, type MasterBlock } from './master-block.js';
import { dbPaths } from './paths.js';
import { stText } from './st-file.js';
import { seedRecords } from './workload.js';

export const UTILITIES = ['proserve', 'proshut', 'proutil', 'rfutil', 'proquiet', 'prostrct'] as const;
/** The executables the real scripts run (docs/openedge.md §0): `_dbutil prostrct …`, `_mprosrv` the broker. */
export const EXECUTABLES = ['_mprosrv', '_mprshut', '_proutil', '_rfutil', '_dbutil'] as const;
export const DEFAULT_BANNER = 'OpenEdge Release 12.8 as of Fri Sep 13 10:00:00 EDT 2024';

export interface InitOptions {
  dir: string;
  name?: string;
  aiExtents?: number;
  aiType?: 'variable' | 'fixed';
  aiSizeKb?: number;
  replication?: 'source' | 'target';
  serve?: boolean;
  /** Encrypt the database: its utilities then need `-Passphrase` and this passphrase on stdin (encryption.ts). */
  passphrase?: string;
  /** main.js the bin scripts run (default: the one next to this module; tests running TS pass dist's). */
  mainJs?: string;
}

export interface InitResult {
  dlc: string;
  db: string;
  name: string;
  aiExtents: number;
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Write `$DLC/bin/<utility>` scripts that run the simulator's main.js with this node. */
export function writeDlc(
  dlc: string,
  // from dist/src/sim, or from the CLI's bundle chunks in dist/src/cli (scripts/bundle-cli.mjs)
  mainJs: string = resolve(dirname(fileURLToPath(import.meta.url)), '../sim/main.js'),
  banner: string = DEFAULT_BANNER,
): void {
  mkdirSync(join(dlc, 'bin'), { recursive: true });
  writeFileSync(join(dlc, 'version'), `${banner}\n`);
  for (const u of [...UTILITIES, ...EXECUTABLES]) {
    const script = join(dlc, 'bin', u);
    // DLC is found from the script's own location (${0%/*}/..), never from the environment; the
    // simulator opens no TLS connection, so node starts without loading certificates (tls-free-env.ts).
    writeFileSync(
      script,
      `#!/bin/sh\n${TLS_FREE_SH}\nOEFLOW_SIM_DLC="\${0%/*}/.." exec ${sq(process.execPath)} ${sq(mainJs)} ${u} "$@"\n`,
    );
    chmodSync(script, 0o755);
  }
  if (!existsSync(join(dlc, 'invocations.jsonl'))) writeFileSync(join(dlc, 'invocations.jsonl'), '');
}

function structure(base: string, n: number, kind: 'variable' | 'fixed', sizeKb: number): Extent[] {
  const ext = (e: Omit<Extent, 'recsPerBlock' | 'clusterSize' | 'kind' | 'sizeKb'> & Partial<Extent>): Extent => ({
    recsPerBlock: 32,
    clusterSize: 1,
    kind: 'variable',
    sizeKb: 0,
    ...e,
  });
  const list: Extent[] = [
    ext({ type: 'b', areaName: 'Primary Recovery Area', areaNum: 3, path: `${base}.b1` }),
    ext({ type: 'd', areaName: 'Schema Area', areaNum: 6, path: `${base}.d1` }),
    ext({ type: 'd', areaName: 'Data Area', areaNum: 7, recsPerBlock: 64, clusterSize: 8, path: `${base}_7.d1` }),
  ];
  for (let i = 1; i <= n; i++)
    list.push(
      ext({ type: 'a', areaName: `After Image Area ${i}`, areaNum: 7 + i, path: `${base}.a${i}`, kind, sizeKb }),
    );
  return list;
}

/** Create the DLC and database under `dir` (which must be empty or absent). */
export function initSim(o: InitOptions): InitResult {
  const dir = resolve(o.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new OeflowError('OEF-212', `${dir} is not empty`, {
      hint: 'Pass a new or empty directory to `oeflow sim init`.',
      details: { dir },
    });
  }
  const name = o.name ?? 'sports';
  const n = o.aiExtents ?? 4;
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,10}$/.test(name) || !Number.isInteger(n) || n < 1 || n > 99) {
    throw new OeflowError('OEF-001', `invalid --name "${name}" or --ai-extents ${n}`, {
      hint: 'Use a short db name (letters, digits, _ -) and 1–99 AI extents.',
    });
  }
  const dlc = join(dir, 'dlc');
  writeDlc(dlc, o.mainJs);
  const paths = dbPaths(join(dir, 'db', name));
  mkdirSync(paths.dir, { recursive: true });
  const now = Date.now();
  const extents = structure(paths.base, n, o.aiType ?? 'variable', o.aiSizeKb ?? 64);
  const mb: MasterBlock = {
    format: 'oeflow-sim-master-1',
    dbIdentity: randomUUID(),
    blockSize: 8192,
    createDate: now,
    lastOpenDate: null,
    priorOpenDate: null,
    lstmod: now,
    state: 'closed',
    shmId: null,
    extents,
    ai: {
      enabled: false,
      beginDate: null,
      lastNewDate: null,
      currentSeq: 0,
      expectedSeq: 0,
      extents: [],
      archiver: false,
      archiveDirs: [],
    },
    backup: { counter: 1, lastDate: now, changedSinceBackup: false },
    quiet: { state: 0, nolock: false },
    roll: { started: false, partial: null, endtimeLocated: null },
    replication: o.replication ?? 'none',
    ...(o.passphrase === undefined ? {} : { encryption: newKeyStore(o.passphrase) }),
  };
  writeFileSync(`${paths.base}.b1`, '');
  writeFileSync(`${paths.base}.d1`, '{"schema":"oeflow simulator: customer(key, value)"}\n');
  writeData(`${paths.base}_7.d1`, [seedRecords()]);
  beginAi(mb, now);
  writeMaster(paths, mb);
  writeFileSync(paths.st, stText(extents));
  writeFileSync(paths.lg, '');
  if (o.serve === true) {
    const r =
      o.passphrase === undefined
        ? spawnSync(join(dlc, 'bin', 'proserve'), [paths.base], { encoding: 'utf8' })
        : spawnSync(join(dlc, 'bin', 'proserve'), [paths.base, '-Passphrase'], {
            encoding: 'utf8',
            input: `${o.passphrase}\n`,
          });
    if (r.status !== 0) throw new OeflowError('OEF-012', `proserve failed: ${r.stdout}${r.stderr}`);
  }
  return { dlc, db: paths.base, name, aiExtents: n };
}
