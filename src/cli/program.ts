// Builds the commander program: global options, then one register function per group.
import { Command, Option } from 'commander';
import { LOG_LEVELS, openCommandLog, type CommandLog, type LogLevel } from './command-log.js';
import type { CliIO } from './io.js';
import type { UsageCapture } from './usage-error.js';
import { applyConfig } from './apply-config.js';
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

/** Registers a group's commands on the program. */
type Register = (program: Command, io: CliIO, outcome: CommandOutcome) => void;

/**
 * The command groups, in the order `oeflow --help` lists them, with the top-level commands each
 * registers (test/unit/cli/program.test.ts checks these names against what each registers).
 * Each group's module is imported only when the program needs it (see groupsFor).
 */
export const COMMAND_GROUPS: readonly { commands: readonly string[]; load: () => Promise<Register> }[] = [
  { commands: ['backup'], load: async () => (await import('./backup.js')).registerBackupCommands },
  { commands: ['restore'], load: async () => (await import('./restore.js')).registerRestoreCommand },
  {
    commands: ['runs', 'show', 'verify', 'resume', 'resolve', 'abandon', 'backups'],
    load: async () => (await import('./runs.js')).registerRunCommands,
  },
  { commands: ['drill'], load: async () => (await import('./drill.js')).registerDrillCommand },
  { commands: ['sim'], load: async () => (await import('./sim.js')).registerSimCommands },
  { commands: ['key'], load: async () => (await import('./key.js')).registerKeyCommands },
  { commands: ['version'], load: async () => (await import('./version.js')).registerVersionCommand },
  { commands: ['config'], load: async () => (await import('./config-show.js')).registerConfigCommands },
  { commands: ['info', 'check'], load: async () => (await import('./status-commands.js')).registerStatusCommands },
  { commands: ['verify-backup'], load: async () => (await import('./verify-backup.js')).registerVerifyBackupCommand },
  { commands: ['expire'], load: async () => (await import('./expire.js')).registerExpireCommand },
  { commands: ['completion'], load: async () => (await import('./completion.js')).registerCompletionCommand },
  { commands: ['checkpoint', 'report'], load: async () => (await import('./evidence.js')).registerEvidenceCommands },
];

/** The program; commander's own stderr output (usage after an error) goes to `usage`, for main.ts to print after the OEF-001 line. */
export async function buildProgram(
  io: CliIO,
  outcome: CommandOutcome,
  usage: UsageCapture,
  argv: readonly string[],
): Promise<Command> {
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
  const registers = await Promise.all(groupsFor(program, argv).map((g) => g.load()));
  for (const register of registers) register(program, io, outcome);
  return program;
}

/**
 * The groups a command line needs: only the named command's group when the line names one
 * plainly, so `oeflow runs` loads neither the backup nor the simulator commands (bench/README.md,
 * cli-start); every group for anything that lists or suggests commands (no command, `help`,
 * `completion`, a word that is no command, an option the root does not know).
 */
export function groupsFor(program: Command, argv: readonly string[]): readonly (typeof COMMAND_GROUPS)[number][] {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith('-') || word === '-') {
      const group = COMMAND_GROUPS.find((g) => g.commands.includes(word));
      return group === undefined || word === 'completion' ? COMMAND_GROUPS : [group];
    }
    const [flag, inlineValue] = word.split('=', 2) as [string, string | undefined];
    const option = program.options.find((o) => o.long === flag || o.short === flag);
    if (option === undefined) return COMMAND_GROUPS;
    // the option's value is the next word (commander reads it so, as `--state runs` shows)
    if (inlineValue === undefined && (option.required || (option.optional && !argv[i + 1]?.startsWith('-')))) i++;
  }
  return COMMAND_GROUPS;
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
