// Find, read and validate the configuration file (TOML). Everything wrong with it is
// refused here, with file, line and key, before any command runs (docs/operations.md).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { OeflowError } from '../errors.js';
import { keyDef, type ConfigValue } from './keys.js';
import { readableByOthers } from './secret-file.js';
import { toml } from './toml.js';

/** One validated key: its value and the line that set it. */
export interface ConfigEntry {
  value: ConfigValue;
  line: number;
}

export interface DbSection {
  name: string;
  line: number;
  entries: Map<string, ConfigEntry>;
}

export interface Config {
  /** The file read, or null when no configuration file exists. */
  file: string | null;
  global: Map<string, ConfigEntry>;
  dbs: Map<string, DbSection>;
}

export const SYSTEM_CONFIG = '/etc/oeflow/oeflow.conf';

/** The file to read: --config, else $OEFLOW_CONFIG, else /etc/oeflow/oeflow.conf, else ~/.oeflow/oeflow.conf; null when none exists. */
export function locateConfig(o: {
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  home?: string;
  systemFile?: string;
}): string | null {
  const named = o.flag ?? (o.env['OEFLOW_CONFIG'] || undefined);
  if (named !== undefined) {
    const file = resolve(o.cwd, named);
    if (!existsSync(file)) {
      throw new OeflowError('OEF-122', `configuration file ${file} does not exist`, {
        details: { file, from: o.flag !== undefined ? '--config' : 'OEFLOW_CONFIG' },
      });
    }
    return file;
  }
  for (const file of [o.systemFile ?? SYSTEM_CONFIG, join(o.home ?? homedir(), '.oeflow', 'oeflow.conf')]) {
    if (existsSync(file)) return file;
  }
  return null;
}

/** Line (1-based) of every `key =` in the file, by dotted table path: `repo`, `db.sports.path`. */
function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let table = '';
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      table = header[1]!
        .split('.')
        .map((p) => p.trim().replace(/^"(.*)"$/, '$1'))
        .join('.');
      if (!lines.has(table)) lines.set(table, i + 1);
      return;
    }
    const key = /^("[^"]*"|[A-Za-z0-9_-]+)\s*=/.exec(line);
    if (key) {
      const name = key[1]!.replace(/^"(.*)"$/, '$1');
      const at = table ? `${table}.${name}` : name;
      if (!lines.has(at)) lines.set(at, i + 1);
    }
  });
  return lines;
}

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function configError(file: string, line: number, key: string, message: string, hint?: string): OeflowError {
  return new OeflowError('OEF-120', `${file}:${line}: ${key}: ${message}`, {
    ...(hint ? { hint } : {}),
    details: { file, line, key },
  });
}

// A command whose text carries credentials (a password, a token, user:pass@ in a URL).
export const CREDENTIALS =
  /(:\/\/[^/\s:@]+:[^/\s@]+@)|((password|passwd|token|secret|api[-_]?key)\s*[=:])|(authorization:)/i;

/** Read and validate a configuration file (nothing else happens until it is valid). */
export function readConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new OeflowError('OEF-122', `configuration file ${file} cannot be read`, { cause, details: { file } });
  }
  let doc: Record<string, unknown>;
  try {
    doc = toml().parse(text);
  } catch (err) {
    if (err instanceof toml().TomlError)
      throw configError(
        file,
        err.line,
        '(syntax)',
        err.message.split('\n')[0]!,
        'Fix the TOML syntax at that line (https://toml.io).',
      );
    throw err;
  }
  const lines = keyLines(text);
  const lineOf = (at: string) => lines.get(at) ?? 0;
  const entries = (
    table: Record<string, unknown>,
    prefix: string,
    scope: 'global' | 'db',
  ): Map<string, ConfigEntry> => {
    const out = new Map<string, ConfigEntry>();
    for (const [key, raw] of Object.entries(table)) {
      if (scope === 'global' && key === 'db') continue;
      const at = prefix ? `${prefix}.${key}` : key;
      const def = keyDef.get(key);
      if (!def)
        throw configError(
          file,
          lineOf(at),
          at,
          'unknown key',
          'See `oeflow config show` and docs/operations.md for the keys; key names follow the command-line options.',
        );
      if (def.scope !== 'both' && def.scope !== scope) {
        throw configError(
          file,
          lineOf(at),
          at,
          scope === 'db' ? 'is a global key: it cannot be set per database' : 'belongs in a [db.<name>] section',
        );
      }
      const checked = def.check(raw);
      if (!checked.ok) throw configError(file, lineOf(at), at, checked.reason);
      out.set(key, { value: checked.value, line: lineOf(at) });
    }
    return out;
  };
  const global = entries(doc, '', 'global');
  const dbs = new Map<string, DbSection>();
  const dbTable = doc['db'];
  if (dbTable !== undefined) {
    if (!isTable(dbTable)) throw configError(file, lineOf('db'), 'db', 'must be tables: [db.<name>]');
    for (const [name, section] of Object.entries(dbTable)) {
      const at = `db.${name}`;
      if (!isTable(section)) throw configError(file, lineOf(at), at, 'must be a table: [db.<name>] with path = "…"');
      const e = entries(section, at, 'db');
      if (!e.has('path'))
        throw configError(file, lineOf(at), at, 'has no path', `Add path = "/db/${name}" to [db.${name}].`);
      dbs.set(name, { name, line: lineOf(at), entries: e });
    }
  }
  refuseReadableSecrets(file, global, dbs);
  return { file, global, dbs };
}

/** A file others can read must not name a secret (a signing key, credentials in a command). */
function refuseReadableSecrets(file: string, global: Map<string, ConfigEntry>, dbs: Map<string, DbSection>): void {
  if (!readableByOthers(file)) return;
  const scopes: [string, Map<string, ConfigEntry>][] = [
    ['', global],
    ...[...dbs.values()].map((s): [string, Map<string, ConfigEntry>] => [`db.${s.name}.`, s.entries]),
  ];
  for (const [prefix, entries] of scopes) {
    for (const [key, entry] of entries) {
      const secret =
        keyDef.get(key)?.secret === true || (typeof entry.value === 'string' && CREDENTIALS.test(entry.value));
      if (secret) {
        throw new OeflowError(
          'OEF-121',
          `${file}:${entry.line}: ${prefix}${key}: the file is readable by every user and names a secret`,
          {
            details: { file, line: entry.line, key: `${prefix}${key}` },
          },
        );
      }
    }
  }
}

/** The configuration in effect: the located file, validated; an empty one when there is none. */
export function loadConfig(o: Parameters<typeof locateConfig>[0]): Config {
  const file = locateConfig(o);
  return file === null ? { file: null, global: new Map(), dbs: new Map() } : readConfig(file);
}
