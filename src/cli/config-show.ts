// `oeflow config show [db]`: the settings in effect (for a database: its section applied) and
// where each came from: the command line, the environment, the section or the global part.
import type { Command } from 'commander';
import { CREDENTIALS } from '../config/load.js';
import type { ConfigValue } from '../config/keys.js';
import { configFor } from './apply-config.js';
import { emitResult, globalOptions, type CliIO } from './io.js';

export function registerConfigCommands(program: Command, io: CliIO): void {
  const config = program.command('config').description('Inspect the configuration file');
  config
    .command('show [db]')
    .description('Print the effective settings (for a database: with its [db.<name>] section) and where each came from')
    .action((db: string | undefined, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const { config: c, section, settings } = configFor(command);
      const result = {
        file: c.file,
        ...(db !== undefined ? { db, section: section?.name ?? null } : {}),
        sections: [...c.dbs.keys()],
        settings: [
          ...[...settings.values()].map((s) => ({
            key: s.key,
            value: shown(s.value),
            source: s.source,
            where: s.where,
          })),
          // the passphrase itself is never printed: only that the environment gives one
          ...(process.env['OEFLOW_PASSPHRASE']
            ? [{ key: 'passphrase', value: MASK, source: 'environment', where: 'OEFLOW_PASSPHRASE' }]
            : []),
        ],
      };
      emitResult(io, opts, result, (r) =>
        [
          `configuration: ${r.file ?? 'none (no --config, OEFLOW_CONFIG, /etc/oeflow/oeflow.conf or ~/.oeflow/oeflow.conf)'}`,
          ...(db !== undefined
            ? [`database ${db}: ${r.section ? `section [db.${r.section}]` : 'no section (global settings only)'}`]
            : [`sections: ${r.sections.length ? r.sections.join(', ') : 'none'}`]),
          ...r.settings.map(
            (s) => `  ${s.key.padEnd(20)} = ${JSON.stringify(s.value).padEnd(40)} ${s.source} (${s.where})`,
          ),
        ].join('\n'),
      );
    });
}

const MASK = '********';

/** A value as printed: one that carries credentials (a password or token in a command) is masked. */
function shown(value: ConfigValue): ConfigValue {
  return typeof value === 'string' && CREDENTIALS.test(value) ? MASK : value;
}
