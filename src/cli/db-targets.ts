// The databases a status command covers: the ones named (section names or paths), else every
// [db.<name>] section of the configuration, else every database the store knows.
import type { Command } from 'commander';
import { effectiveSettings, findSection, sectionDb, type Setting } from '../config/resolve.js';
import type { Store } from '../store/index.js';
import { configFor } from './apply-config.js';
import { dbArgument } from './db-argument.js';

export interface DbTarget {
  db: string;
  section: string | undefined;
  settings: Map<string, Setting>;
}

export function dbTargets(command: Command, named: readonly string[], store: Store): DbTarget[] {
  const { config } = configFor(command);
  const target = (arg: string): DbTarget => {
    const section = findSection(config, arg);
    return {
      db: section ? sectionDb(section) : dbArgument(arg),
      section: section?.name,
      settings: effectiveSettings(config, section, process.env),
    };
  };
  if (named.length) return named.map(target);
  if (config.dbs.size) return [...config.dbs.keys()].map(target);
  const known = new Set([
    ...store.listBackups().map((b) => b.db),
    ...store
      .listRuns()
      .filter((r) => r.kind !== 'restore')
      .map((r) => r.db),
  ]);
  return [...known].sort().map(target);
}
