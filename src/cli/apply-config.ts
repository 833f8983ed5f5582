// Applies the configuration file to a command before its action runs (commander preAction):
// a database argument that names a [db.<name>] section becomes the section's path, and every
// option the command line left unset takes its value from the environment, the section or the
// global part, in that order. A bad configuration stops the command here, before anything runs.
import type { Command } from 'commander';
import { keyDefs, type ConfigValue } from '../config/keys.js';
import { loadConfig, type Config, type DbSection } from '../config/load.js';
import { effectiveSettings, findSection, sectionDb, type Setting } from '../config/resolve.js';

/** What the hook found for the command: the configuration, the section (if any) and the settings in effect. */
export interface AppliedConfig {
  config: Config;
  section: DbSection | undefined;
  settings: Map<string, Setting>;
}

const applied = new WeakMap<Command, AppliedConfig>();

/** Commands that never read the configuration (they must work with a broken one). */
const WITHOUT_CONFIG = new Set(['version', 'sim', 'key', 'completion', 'help']);
/** Commands that report a bad configuration themselves (check: as UNKNOWN), when they ask for it. */
const DEFER_ERRORS = new Set(['check']);
const deferred = new WeakMap<Command, unknown>();

function topCommand(command: Command): Command {
  let c = command;
  while (c.parent?.parent) c = c.parent;
  return c;
}

/** The configuration the hook applied to this command (loaded on demand for commands it skipped). */
export function configFor(command: Command): AppliedConfig {
  if (deferred.has(command)) throw deferred.get(command);
  const found = applied.get(command);
  if (found) return found;
  const root = rootOf(command);
  const config = loadConfig({ flag: root.opts<{ config?: string }>().config, env: process.env, cwd: process.cwd() });
  return { config, section: undefined, settings: effectiveSettings(config, undefined, process.env) };
}

function rootOf(command: Command): Command {
  let c = command;
  while (c.parent) c = c.parent;
  return c;
}

/** The preAction hook: a bad configuration stops the command here. */
export function applyConfig(root: Command, action: Command): void {
  if (WITHOUT_CONFIG.has(topCommand(action).name())) return;
  if (DEFER_ERRORS.has(topCommand(action).name())) {
    try {
      applyConfigTo(root, action);
    } catch (err) {
      deferred.set(action, err);
    }
    return;
  }
  applyConfigTo(root, action);
}

function applyConfigTo(root: Command, action: Command): void {
  const config = loadConfig({ flag: root.opts<{ config?: string }>().config, env: process.env, cwd: process.cwd() });

  // a database argument (or --db) naming a section stands for the section's path
  let section: DbSection | undefined;
  const args = action.processedArgs as unknown[];
  action.registeredArguments.forEach((arg, i) => {
    const value = args[i];
    if (arg.name() !== 'db' || typeof value !== 'string') return;
    section = findSection(config, value);
    if (section && config.dbs.has(value)) args[i] = sectionDb(section);
  });
  const dbOption = action.opts<{ db?: unknown }>().db;
  if (typeof dbOption === 'string') {
    section = findSection(config, dbOption);
    if (section && config.dbs.has(dbOption)) action.setOptionValueWithSource('db', sectionDb(section), 'config');
  }

  // the values the command line gave, by config key, so the settings report them as such
  const owners = [action, root];
  const cli = new Map<string, ConfigValue>();
  for (const def of keyDefs) {
    const owner = owners.find(
      (c) => def.option !== undefined && c.options.some((o) => o.attributeName() === def.option),
    );
    if (owner && owner.getOptionValueSource(def.option!) === 'cli') {
      const value = owner.getOptionValue(def.option!) as ConfigValue;
      cli.set(def.key, def.negates === true ? !value : value);
    }
  }
  const settings = effectiveSettings(config, section, process.env, cli);
  for (const s of settings.values()) {
    if (s.source === 'command line') continue;
    const def = keyDefs.find((d) => d.key === s.key)!;
    const owner = owners.find(
      (c) => def.option !== undefined && c.options.some((o) => o.attributeName() === def.option),
    );
    if (!owner) continue;
    const value = def.negates === true ? !s.value : s.value;
    owner.setOptionValueWithSource(def.option!, value, s.source === 'environment' ? 'env' : 'config');
  }
  applied.set(action, { config, section, settings });
}
