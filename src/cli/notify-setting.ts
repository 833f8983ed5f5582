// The notify hook in effect for a database a command did not name by section (resume by run
// id, restore by backup id): the environment, else the database's section, else the global key.
import type { Command } from 'commander';
import { effectiveSettings, findSection } from '../config/resolve.js';
import { configFor } from './apply-config.js';

export function notifySettingFor(command: Command, db: string): string | undefined {
  const { config } = configFor(command);
  const value = effectiveSettings(config, findSection(config, db), process.env).get('notify')?.value;
  return typeof value === 'string' ? value : undefined;
}
