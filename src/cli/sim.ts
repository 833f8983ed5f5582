// Placeholder registration for the simulator commands (replaced by the sim module).
import type { Command } from 'commander';
import type { CliIO } from './io.js';
import type { CommandOutcome } from './program.js';

export function registerSimCommands(program: Command, _io: CliIO, _outcome: CommandOutcome): void {
  program.command('sim').description('OpenEdge simulator (fake $DLC) for demos, tests and DR rehearsals');
}
