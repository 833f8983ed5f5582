// `oeflow sim …`: create a simulated OpenEdge installation and database, drive a
// workload through its server, archive FULL AI extents, and digest the data.
import type { Command } from 'commander';
import { OeflowError } from '../errors.js';
import { emitResult, globalOptions, type CliIO } from './io.js';
import type { CommandOutcome } from './program.js';

function positiveInt(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new OeflowError('OEF-001', `${name} must be an integer >= ${min} (got "${value}")`);
  return n;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new OeflowError('OEF-001', `${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/** Register `sim init|load|archive|replication|digest`. */
export function registerSimCommands(program: Command, io: CliIO, _outcome: CommandOutcome): void {
  const sim = program.command('sim').description('OpenEdge simulator (fake $DLC) for demos, tests and DR rehearsals');

  sim
    .command('init <dir>')
    .description('create a fake $DLC and a database with AI enabled (marked backed up)')
    .option('--name <name>', 'database name', 'sports')
    .option('--ai-extents <n>', 'number of AI extents', '4')
    .option('--ai-type <type>', 'variable | fixed', 'variable')
    .option('--ai-size <kb>', 'capacity of each AI extent in KB', '64')
    .option('--replication <role>', 'source | target')
    .option('--serve', 'start the server (proserve) after creating the database', false)
    .option(
      '--passphrase-file <file>',
      'encrypt the database with the passphrase on the first line of <file> (mode 600): its utilities then need -Passphrase',
    )
    .action(
      async (
        dir: string,
        o: {
          name: string;
          aiExtents: string;
          aiType: string;
          aiSize: string;
          replication?: string;
          serve: boolean;
          passphraseFile?: string;
        },
        cmd: Command,
      ) => {
        const { initSim } = await import('../sim/init.js');
        const { readPassphraseFile } = await import('../config/passphrase.js');
        const r = initSim({
          dir,
          name: o.name,
          aiExtents: positiveInt('--ai-extents', o.aiExtents),
          aiType: oneOf('--ai-type', o.aiType, ['variable', 'fixed'] as const),
          aiSizeKb: positiveInt('--ai-size', o.aiSize, 16),
          replication: oneOf('--replication', o.replication, ['source', 'target'] as const),
          serve: o.serve,
          ...(o.passphraseFile === undefined ? {} : { passphrase: readPassphraseFile(o.passphraseFile) }),
        });
        emitResult(
          io,
          globalOptions(cmd),
          r,
          (x) =>
            `export DLC=${shellWord(x.dlc)}\nexport PATH="$DLC/bin:$PATH"\n# database: ${x.db} (${x.aiExtents} AI extents, AI enabled, marked backed up${o.passphraseFile === undefined ? '' : ', encrypted'})`,
        );
      },
    );

  sim
    .command('load <db>')
    .description('commit N deterministic transactions through the running server')
    .requiredOption('--tx <n>', 'number of transactions')
    .option('--seed <s>', 'workload seed', '1')
    .option('--rate <n>', 'at most n transactions per second (default: as fast as possible)')
    .action(async (db: string, o: { tx: string; seed: string; rate?: string }, cmd: Command) => {
      const tx = positiveInt('--tx', o.tx);
      const step = Math.max(1, Math.floor(tx / 10));
      let next = step;
      const { runLoad } = await import('../sim/load.js');
      const r = await runLoad(
        db,
        tx,
        positiveInt('--seed', o.seed, 0),
        (done) => {
          if (done >= next) {
            io.err(`sim load: ${done}/${tx} transactions committed\n`);
            next = (Math.floor(done / step) + 1) * step;
          }
        },
        o.rate === undefined ? 0 : positiveInt('--rate', o.rate),
      );
      emitResult(
        io,
        globalOptions(cmd),
        r,
        (x) => `${x.committed} transactions committed, ${x.switches} AI switch(es), AI file number now ${x.finalAiSeq}`,
      );
    });

  sim
    .command('archive <db>')
    .description('archive every FULL AI extent (oldest first) to a directory and mark it EMPTY')
    .requiredOption('--to <dir>', 'archive directory')
    .action(async (db: string, o: { to: string }, cmd: Command) => {
      const { archiveFullExtents } = await import('../sim/archive.js');
      const r = archiveFullExtents(db, o.to);
      emitResult(io, globalOptions(cmd), r, (x) =>
        x.archived.length === 0
          ? 'no FULL extent to archive'
          : x.archived.map((a) => `extent ${a.extent} (file number ${a.seq}) -> ${a.to}`).join('\n'),
      );
    });

  sim
    .command('replication <db>')
    .description(
      "take a replication source's target offline (switched AI extents stay LOCKED) or connect it again (they are replicated)",
    )
    .requiredOption('--target <state>', 'connected | offline')
    .action(async (db: string, o: { target: string }, cmd: Command) => {
      const target = oneOf('--target', o.target, ['connected', 'offline'] as const)!;
      const { setReplicationTarget } = await import('../sim/replication-target.js');
      emitResult(
        io,
        globalOptions(cmd),
        setReplicationTarget(db, target),
        (x) => `replication target ${x.target}; AI extents: ${x.extents.join(', ')}`,
      );
    });

  sim
    .command('digest <db>')
    .description('sha256 of the current records (compare a source with a restored copy)')
    .action(async (db: string, _o: unknown, cmd: Command) => {
      const { digestDb } = await import('../sim/digest.js');
      const r = digestDb(db);
      emitResult(
        io,
        globalOptions(cmd),
        { digest: r.digest, records: r.records },
        (x) => `${x.digest}  ${x.records} records`,
      );
    });
}

/** `value` as one POSIX shell word (single quotes), so a path with spaces can be pasted into a shell. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
