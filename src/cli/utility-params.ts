// The startup parameters of one database for the commands that run its utilities (backup,
// restore, drill, resume): --passphrase-file / OEFLOW_PASSPHRASE / `passphrase-file`, and
// --cpinternal, --cpstream, --temp-dir or their keys, with the usual precedence (command line >
// environment > the database's [db.<name>] section > global; docs/operations.md).
import type { Command } from 'commander';
import { passphraseFromEnv, readPassphraseFile } from '../config/passphrase.js';
import type { Setting } from '../config/resolve.js';
import type { UtilityParams } from '../openedge/utility-params.js';
import { inputText, type Store } from '../store/index.js';
import { settingsForDb } from './db-setting.js';

/** Add the options to a command that runs a database's utilities. */
export function withUtilityParamOptions(command: Command): Command {
  return command
    .option(
      '--passphrase-file <file>',
      'encrypted database: file (mode 600) whose first line is the key store passphrase (or set OEFLOW_PASSPHRASE); it goes to the utilities on stdin, never in argv or the journal',
    )
    .option('--cpinternal <codepage>', 'pass -cpinternal <codepage> to the utilities')
    .option('--cpstream <codepage>', 'pass -cpstream <codepage> to the utilities')
    .option('--temp-dir <dir>', 'pass -T <dir> (temporary files) to the utilities');
}

/** The parameters in effect for `db` (its section found by name or path); the passphrase file is read now. */
export function utilityParamsFor(
  command: Command,
  db: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): UtilityParams {
  return paramsFromSettings(settingsForDb(command, db, env), env);
}

/** The parameters the settings in effect for one database give (the passphrase file is read now). */
export function paramsFromSettings(
  settings: ReadonlyMap<string, Setting>,
  env: NodeJS.ProcessEnv = process.env,
): UtilityParams {
  const value = (key: string): string | undefined => {
    const v = settings.get(key)?.value;
    return typeof v === 'string' ? v : undefined;
  };
  // --passphrase-file beats OEFLOW_PASSPHRASE, which beats a file named by the environment or the configuration
  const file = settings.get('passphrase-file');
  const fromEnv = env['OEFLOW_PASSPHRASE'];
  const passphrase =
    file?.source === 'command line'
      ? readPassphraseFile(String(file.value))
      : fromEnv !== undefined && fromEnv !== ''
        ? passphraseFromEnv(fromEnv)
        : file !== undefined
          ? readPassphraseFile(String(file.value))
          : undefined;
  const cpinternal = value('cpinternal');
  const cpstream = value('cpstream');
  const tempDir = value('temp-dir');
  return {
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(cpinternal !== undefined ? { cpinternal } : {}),
    ...(cpstream !== undefined ? { cpstream } : {}),
    ...(tempDir !== undefined ? { tempDir } : {}),
  };
}

/**
 * The database whose parameters a resumed run takes: a restore's source database (the copy is
 * encrypted with its passphrase, in its codepages), found through the backup it restores; else
 * the run's own. Undefined when there is no such run (resume then says so).
 */
export function paramsDbOfRun(store: Store, by: { runId: string } | { db: string }): string | undefined {
  const run = 'runId' in by ? store.getRun(by.runId) : store.openRunForDb(by.db);
  if (!run) return 'db' in by ? by.db : undefined;
  const backupDir = inputText(run.input, 'backupDir');
  const source = backupDir !== null ? store.listBackups().find((b) => b.destination === backupDir) : undefined;
  return source?.db ?? run.db;
}
