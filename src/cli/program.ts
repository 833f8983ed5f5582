// Builds the commander program: global options, then one register function per group.
import { Command } from 'commander';
import type { CliIO } from './io.js';
import { registerBackupCommands } from './backup.js';
import { registerDrillCommand } from './drill.js';
import { registerKeyCommands } from './key.js';
import { registerRestoreCommand } from './restore.js';
import { registerRunCommands } from './runs.js';
import { registerSimCommands } from './sim.js';
import type { UsageCapture } from './usage-error.js';

/** Exit code a command asks for without being an error (e.g. `proutil -C busy`-like checks). */
export interface CommandOutcome {
  exitCode: number;
}

/** The program; commander's own stderr output (usage after an error) goes to `usage`, for main.ts to print after the OEF-001 line. */
export function buildProgram(io: CliIO, outcome: CommandOutcome, usage: UsageCapture): Command {
  const program = new Command('oeflow')
    .description('Durable, resumable, auditable OpenEdge OS-backup and roll-forward procedures')
    .option('--json', 'print machine-readable JSON results (and errors) on stdout; turns progress off', false)
    .option('--state <file>', 'SQLite state store (default: $OEFLOW_STATE, else state/oeflow.db of the oeflow checkout holding the current directory, else ~/.oeflow/oeflow.db)')
    .option('--dlc <dir>', 'OpenEdge installation (default: $DLC)')
    .option('--signing-key <file>', 'Ed25519 private key (PEM) that signs every journal row written (default: $OEFLOW_SIGNING_KEY; see `oeflow key generate`)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => usage.write(s), outputError: () => undefined })
    .showHelpAfterError();
  registerBackupCommands(program, io, outcome);
  registerRestoreCommand(program, io, outcome);
  registerRunCommands(program, io, outcome);
  registerDrillCommand(program, io, outcome);
  registerSimCommands(program, io, outcome);
  registerKeyCommands(program, io, outcome);
  return program;
}
