// Builds the commander program: global options, then one register function per group.
import { Command, Option } from 'commander';
import { LOG_LEVELS, openCommandLog, type CommandLog, type LogLevel } from './command-log.js';
import type { CliIO } from './io.js';
import { registerBackupCommands } from './backup.js';
import { registerDrillCommand } from './drill.js';
import { registerEvidenceCommands } from './evidence.js';
import { registerKeyCommands } from './key.js';
import { registerRestoreCommand } from './restore.js';
import { registerRunCommands } from './runs.js';
import { registerSimCommands } from './sim.js';
import type { UsageCapture } from './usage-error.js';
import { registerVersionCommand } from './version.js';
import { applyConfig } from './apply-config.js';
import { registerConfigCommands } from './config-show.js';
import { registerStatusCommands } from './status-commands.js';
import { registerVerifyBackupCommand } from './verify-backup.js';
import { registerExpireCommand } from './expire.js';
import { registerCompletionCommand } from './completion.js';
import { OEFLOW_VERSION } from '../version.js';

/** Exit code a command asks for without being an error (e.g. `proutil -C busy`-like checks), and the log file it writes to. */
export interface CommandOutcome {
  exitCode: number;
  log?: CommandLog;
  /** "backup online": set once the command is known (log lines name it). */
  command?: string;
  /** The error the command ended with (log lines name it). */
  failure?: { code: string; message: string };
}

/** The program; commander's own stderr output (usage after an error) goes to `usage`, for main.ts to print after the OEF-001 line. */
export function buildProgram(io: CliIO, outcome: CommandOutcome, usage: UsageCapture): Command {
  const program = new Command('oeflow')
    .description('Durable, resumable, auditable OpenEdge OS-backup and roll-forward procedures')
    .option('--json', 'print machine-readable JSON results (and errors) on stdout; turns progress off', false)
    .option(
      '--config <file>',
      'configuration file (default: $OEFLOW_CONFIG, else /etc/oeflow/oeflow.conf, else ~/.oeflow/oeflow.conf)',
    )
    .option(
      '--state <file>',
      'SQLite state store (default: $OEFLOW_STATE, else `store` in the configuration, else ~/.oeflow/oeflow.db)',
    )
    .option('--dlc <dir>', 'OpenEdge installation (default: $DLC)')
    .option(
      '--signing-key <file>',
      'Ed25519 private key (PEM) that signs every journal row written (default: $OEFLOW_SIGNING_KEY; see `oeflow key generate`)',
    )
    .option(
      '-q, --quiet',
      'print only errors: no progress, no result text, no warnings (the exit code says how it went)',
      false,
    )
    .option(
      '--log-file <file>',
      'append one line per command, step and utility command to this file (default: `log-file` in the configuration)',
    )
    .addOption(
      new Option('--log-level <level>', 'least severe lines written to --log-file (default info)').choices(LOG_LEVELS),
    )
    .version(OEFLOW_VERSION, '-V, --version', 'print the oeflow version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => usage.write(s), outputError: () => undefined })
    .showHelpAfterError()
    .hook('preAction', (root, action) => {
      outcome.command = commandPath(action);
      applyConfig(root, action);
      outcome.log ??= openLogFor(root, action, io);
    });
  registerBackupCommands(program, io, outcome);
  registerRestoreCommand(program, io, outcome);
  registerRunCommands(program, io, outcome);
  registerDrillCommand(program, io, outcome);
  registerSimCommands(program, io, outcome);
  registerKeyCommands(program, io, outcome);
  registerVersionCommand(program, io);
  registerConfigCommands(program, io);
  registerStatusCommands(program, io, outcome);
  registerVerifyBackupCommand(program, io, outcome);
  registerExpireCommand(program, io);
  registerCompletionCommand(program, io);
  registerEvidenceCommands(program, io, outcome);
  return program;
}

/** The log file the command line or the configuration names (none: undefined); its first line names the command. */
function openLogFor(root: Command, action: Command, io: CliIO): CommandLog | undefined {
  const o = root.opts<{ logFile?: string; logLevel?: string }>();
  if (o.logFile === undefined || o.logFile.trim() === '') return undefined;
  const level = (LOG_LEVELS as readonly string[]).includes(o.logLevel ?? '') ? (o.logLevel as LogLevel) : 'info';
  const log = openCommandLog(o.logFile, level, (m) => io.err(m));
  log.write(
    CHANGING.has(commandPath(action).split(' ')[0]!) ? 'info' : 'debug',
    `command started: oeflow ${commandPath(action)} ${action.args.join(' ')}`.trimEnd(),
  );
  return log;
}

/** Commands that change something: their start and end are info; the read-only ones' (a monitor's `check` every minute) debug. */
export const CHANGING = new Set(['backup', 'restore', 'resume', 'resolve', 'abandon', 'drill', 'expire']);

/** "backup online": the command's name below the root. */
export function commandPath(action: Command): string {
  const names: string[] = [];
  for (let c: Command | null = action; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
