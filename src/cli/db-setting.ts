// The settings in effect for a database a command did not name by section (resume by run id,
// restore by backup id): the command line, the environment, the database's section, the global
// key, in that order (docs/operations.md).
import type { Command } from 'commander';
import type { ConfigValue } from '../config/keys.js';
import { effectiveSettings, findSection, type Setting } from '../config/resolve.js';
import { configFor } from './apply-config.js';

/** Every setting in effect for `db` under `command` (`db` undefined: no section). */
export function settingsForDb(
  command: Command,
  db: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Map<string, Setting> {
  const { config, settings: applied } = configFor(command);
  const cli = new Map<string, ConfigValue>(
    [...applied.values()].filter((s) => s.source === 'command line').map((s) => [s.key, s.value]),
  );
  return effectiveSettings(config, db === undefined ? undefined : findSection(config, db), env, cli);
}

export function notifySettingFor(command: Command, db: string): string | undefined {
  const value = settingsForDb(command, db).get('notify')?.value;
  return typeof value === 'string' ? value : undefined;
}

/** Whether a restore of `db`'s backup rolls forward with ROLL FORWARD OPLOCK (`--oplock`, `oplock`). */
export function oplockFor(command: Command, db: string): boolean {
  return settingsForDb(command, db).get('oplock')?.value === true;
}
