// Builds the commander program: global options, then one register function per group.
import { Command } from 'commander';
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

/** Exit code a command asks for without being an error (e.g. `proutil -C busy`-like checks). */
export interface CommandOutcome {
  exitCode: number;
}

/** The program; commander's own stderr output (usage after an error) goes to `usage`, for main.ts to print after the OEF-001 line. */
export function buildProgram(io: CliIO, outcome: CommandOutcome, usage: UsageCapture): Command {
  const program = new Command('oeflow')
    .description('Durable, resumable, auditable OpenEdge OS-backup and roll-forward procedures')
    .option('--json', 'print machine-readable JSON results (and errors) on stdout; turns progress off', false)
    .option('--config <file>', 'configuration file (default: $OEFLOW_CONFIG, else /etc/oeflow/oeflow.conf, else ~/.oeflow/oeflow.conf)')
    .option('--state <file>', 'SQLite state store (default: $OEFLOW_STATE, else `store` in the configuration, else ~/.oeflow/oeflow.db)')
    .option('--dlc <dir>', 'OpenEdge installation (default: $DLC)')
    .option('--signing-key <file>', 'Ed25519 private key (PEM) that signs every journal row written (default: $OEFLOW_SIGNING_KEY; see `oeflow key generate`)')
    .version(OEFLOW_VERSION, '-V, --version', 'print the oeflow version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => usage.write(s), outputError: () => undefined })
    .showHelpAfterError()
    .hook('preAction', (root, action) => applyConfig(root, action));
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
