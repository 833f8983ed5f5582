// The settings in effect for one database, and where each came from. Precedence:
// command line > environment (OEFLOW_<OPTION>) > the database's [db.<name>] section > global.
import { dbArgument } from '../cli/db-argument.js';
import { OeflowError } from '../errors.js';
import { keyDefs, type ConfigValue, type KeyDef } from './keys.js';
import type { Config, DbSection } from './load.js';

export type SettingSource = 'command line' | 'environment' | 'section' | 'global';

export interface Setting {
  key: string;
  value: ConfigValue;
  source: SettingSource;
  /** `--max-quiet`, `OEFLOW_MAX_QUIET`, or `<file>:<line>` of the key. */
  where: string;
}

/** The section a database argument names: by section name, or by the section's `path` (same canonical database). */
export function findSection(config: Config, arg: string): DbSection | undefined {
  const byName = config.dbs.get(arg);
  if (byName) return byName;
  const wanted = dbArgument(arg);
  return [...config.dbs.values()].find((s) => dbArgument(String(s.entries.get('path')!.value)) === wanted);
}

/** The database path a section stands for, canonical. */
export function sectionDb(section: DbSection): string {
  return dbArgument(String(section.entries.get('path')!.value));
}

/** Effective settings (every key that has a value), with their source. `cli` holds values given on the command line, by key. */
export function effectiveSettings(
  config: Config,
  section: DbSection | undefined,
  env: NodeJS.ProcessEnv,
  cli: ReadonlyMap<string, ConfigValue> = new Map(),
): Map<string, Setting> {
  const out = new Map<string, Setting>();
  for (const def of keyDefs) {
    const given = cli.get(def.key);
    const fromEnv = def.env !== undefined ? env[def.env] : undefined;
    const inSection = section?.entries.get(def.key);
    const inGlobal = config.global.get(def.key);
    if (given !== undefined)
      out.set(def.key, { key: def.key, value: given, source: 'command line', where: `--${def.key}` });
    else if (fromEnv !== undefined && fromEnv !== '')
      out.set(def.key, {
        key: def.key,
        value: envValue(def, fromEnv),
        source: 'environment',
        where: def.env!,
      });
    else if (inSection)
      out.set(def.key, {
        key: def.key,
        value: inSection.value,
        source: 'section',
        where: `${config.file}:${inSection.line} [db.${section!.name}]`,
      });
    else if (inGlobal)
      out.set(def.key, {
        key: def.key,
        value: inGlobal.value,
        source: 'global',
        where: `${config.file}:${inGlobal.line}`,
      });
  }
  return out;
}

// OEFLOW_NO_RESTART=1 / true means the flag is given. A yes/no key (OEFLOW_OPLOCK,
// OEFLOW_EXPIRE_AI_FILES) takes 1/true/yes or 0/false/no as the boolean the file's `true` is, a
// count (OEFLOW_RETAIN_COUNT) a whole number: kept as text, "true" was never `true` and the
// variable was ignored without a word. The value is then checked as the file's would be.
function envValue(def: KeyDef, text: string): ConfigValue {
  if (def.negates === true) return !/^(0|false|no)$/i.test(text);
  const flag = /^(1|true|yes)$/i.test(text) ? true : /^(0|false|no)$/i.test(text) ? false : undefined;
  const candidates: ConfigValue[] = [
    ...(flag === undefined ? [] : [flag]),
    ...(/^\d+$/.test(text) ? [Number(text)] : []),
    text,
  ];
  const typed = candidates.map((v) => def.check(v)).find((r) => r.ok);
  if (typed?.ok === true) return typed.value;
  const refusal = def.check(text);
  throw new OeflowError(
    'OEF-126',
    `${def.env ?? def.key}=${text}: ${refusal.ok ? 'not valid' : refusal.reason} (the ${def.key} setting)`,
  );
}
