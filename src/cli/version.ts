// `oeflow version` (and `oeflow --version`, declared on the root program): which oeflow,
// Node, xstate and store schema this is.
import type { Command } from 'commander';
import { emitResult, globalOptions, type CliIO } from './io.js';

export function registerVersionCommand(program: Command, io: CliIO): void {
  program
    .command('version')
    .description('Print the oeflow version (with --json: also the Node, xstate and store schema versions)')
    .action(async (_o: unknown, command: Command) => {
      const { versions } = await import('../version.js');
      const v = versions();
      emitResult(
        io,
        globalOptions(command),
        v,
        (x) => `oeflow ${x.oeflow}\nnode ${x.node}, xstate ${x.xstate}, store schema ${x.storeSchema}`,
      );
    });
}
