// The command groups program.ts loads on demand: each group registers exactly the top-level
// commands its entry names (else `oeflow <command>` would load the wrong group and commander
// would not know the command), in the order `oeflow --help` lists them; and a command line
// loads only the group of the command it names, every group when it names none.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_GROUPS, groupsFor, type CommandOutcome } from '../../../src/cli/program.js';
import type { CliIO } from '../../../src/cli/io.js';
import { usageCapture } from '../../../src/cli/usage-error.js';

const io: CliIO = { out: () => undefined, err: () => undefined, interactive: false };

const program = async (argv: readonly string[]): Promise<Command> =>
  buildProgram(io, { exitCode: 0 } satisfies CommandOutcome, usageCapture(), argv);

describe('command groups', () => {
  it('each group registers exactly the commands it names', async () => {
    for (const group of COMMAND_GROUPS) {
      const p = new Command('oeflow');
      (await group.load())(p, io, { exitCode: 0 });
      expect(p.commands.map((c) => c.name())).toEqual(group.commands);
    }
  });

  it('the whole program lists every group, in order', async () => {
    const all = await program([]);
    expect(all.commands.map((c) => c.name())).toEqual(COMMAND_GROUPS.flatMap((g) => g.commands));
  });

  it("loads the named command's group only, past the root's options and their values", async () => {
    const root = await program(['--help']);
    const names = (argv: string[]): string[] => groupsFor(root, argv).flatMap((g) => g.commands);
    expect(names(['runs'])).toEqual(['runs', 'show', 'verify', 'resume', 'resolve', 'abandon', 'backups']);
    expect(names(['--state', 'backup', '--json', 'show', 'r1'])).toContain('show');
    expect(names(['--state', 'backup', '--json', 'show', 'r1'])).not.toContain('backup');
    expect(names(['--state=x.db', '-q', 'backup', 'online', 'db'])).toEqual(['backup']);
    expect((await program(['runs'])).commands.map((c) => c.name())).toContain('runs');
    expect((await program(['runs'])).commands.map((c) => c.name())).not.toContain('backup');
  });

  it('loads every group when the line lists or suggests commands', async () => {
    const root = await program([]);
    const every = COMMAND_GROUPS.length;
    for (const argv of [
      [],
      ['--help'],
      ['help', 'runs'],
      ['completion', 'bash'],
      ['bakup'],
      ['--bogus', 'runs'],
      ['-V'],
    ])
      expect(groupsFor(root, argv), argv.join(' ')).toHaveLength(every);
  });
});
