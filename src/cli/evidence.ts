// `oeflow checkpoint` and `oeflow report`: store-wide evidence. A checkpoint (size and head
// hash of the store log, signed when a key is configured) is handed to someone who keeps it;
// a report covers a period for an auditor. Heavy modules load inside the handlers.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { OeflowError } from '../errors.js';
import type { Store } from '../store/index.js';
import { storeFor } from './context.js';
import { emitResult, globalOptions, type CliIO, type GlobalOptions } from './io.js';
import { writeOutputFile } from './output-file.js';
import type { CommandOutcome } from './program.js';

const withStore = async <T>(opts: GlobalOptions, body: (store: Store) => Promise<T> | T): Promise<T> => {
  const store = storeFor(opts, { existing: true });
  try {
    return await body(store);
  } finally {
    store.close();
  }
};

/** The document signer of --signing-key / OEFLOW_SIGNING_KEY, when one is configured. */
async function documentSigner(opts: GlobalOptions) {
  const key = opts.signingKey ?? process.env.OEFLOW_SIGNING_KEY;
  if (!key) return undefined;
  const { loadDocumentSigner } = await import('../audit/signing.js');
  return loadDocumentSigner(key);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD that is a real day: OEF-333 otherwise. */
function day(option: string, value: string): string {
  if (
    !DAY.test(value) ||
    Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
    new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
  ) {
    throw new OeflowError('OEF-333', `${option} ${value} is not a date (YYYY-MM-DD)`, { details: { option, value } });
  }
  return value;
}

export function registerEvidenceCommands(program: Command, io: CliIO, _outcome: CommandOutcome): void {
  program
    .command('checkpoint')
    .description(
      'Write a checkpoint of the store log (size and head hash; signed with --signing-key / OEFLOW_SIGNING_KEY) to hand to an auditor; `oeflow verify --checkpoint` proves the history before it later',
    )
    .option('--out <file>', 'write the checkpoint to this file (default: print it on stdout)')
    .action(async (o: { out?: string }, command: Command) => {
      const opts = globalOptions(command);
      const { takeCheckpoint } = await import('../audit/checkpoint.js');
      const sign = await documentSigner(opts);
      await withStore(opts, async (store) => {
        const checkpoint = takeCheckpoint(store, sign);
        if (!o.out) {
          io.out(`${JSON.stringify(checkpoint, null, 2)}\n`);
          return;
        }
        await writeOutputFile('--out', o.out, `${JSON.stringify(checkpoint, null, 2)}\n`);
        const result = {
          file: resolve(o.out),
          size: checkpoint.size,
          headHash: checkpoint.headHash,
          at: checkpoint.at,
          signed: checkpoint.signature !== null,
          keyId: checkpoint.signature?.keyId ?? null,
        };
        emitResult(
          io,
          opts,
          result,
          (r) =>
            `checkpoint ${r.file}: ${r.size} store log entries, head ${r.headHash.slice(0, 16)}…, ${r.signed ? `signed by ${r.keyId!.slice(0, 16)}…` : 'unsigned (configure --signing-key to sign it)'}\nhand it to someone who keeps it (auditor, WORM share); verify later with: oeflow verify --checkpoint ${r.file}`,
        );
      });
    });

  program
    .command('report')
    .description(
      'Every run of a period with both verdicts, backups, restores and drills (RTO, RPO), days without a good backup, and checkpoint coverage; signed when a key is configured',
    )
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD, UTC)')
    .requiredOption('--to <date>', 'last day (YYYY-MM-DD, UTC), inclusive')
    .option('--db <db>', 'only this database')
    .option('--html <file>', 'also write the report as a printable HTML page')
    .option('--daily', 'ask for a completed, proven backup of every database every day (the default policy)', true)
    .option('--no-daily', 'no daily policy: list no gaps')
    .option('--checkpoint <file...>', 'checkpoints handed out: which runs of the period they cover')
    .option(
      '--public-key <file...>',
      'Ed25519 public key(s) you trust: runs (and checkpoints) must be signed by one of them to be PROVEN',
    )
    .action(
      async (
        o: {
          from: string;
          to: string;
          db?: string;
          html?: string;
          daily: boolean;
          checkpoint?: string[];
          publicKey?: string[];
        },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        const from = day('--from', o.from);
        const to = day('--to', o.to);
        if (from > to)
          throw new OeflowError('OEF-333', `--from ${from} is after --to ${to}`, { details: { from, to } });
        const [{ periodReport, periodReportHtml }, { readCheckpoint, verifyCheckpoint }, { loadPublicKey }] =
          await Promise.all([
            import('../audit/period-report.js'),
            import('../audit/checkpoint.js'),
            import('../audit/signing.js'),
          ]);
        const trusted = o.publicKey?.map(loadPublicKey);
        const files = (o.checkpoint ?? []).map((f) => ({ file: resolve(f), c: readCheckpoint(f) }));
        const sign = await documentSigner(opts);
        await withStore(opts, async (store) => {
          const checkpoints = files.map(({ file, c }) => verifyCheckpoint(store, c, file, trusted));
          const report = periodReport(store, {
            from,
            to,
            ...(o.db ? { db: resolve(o.db).replace(/\.db$/, '') } : {}),
            daily: o.daily,
            ...(trusted ? { trusted } : {}),
            checkpoints,
            ...(sign ? { sign } : {}),
          });
          if (o.html) await writeOutputFile('--html', o.html, periodReportHtml(report));
          emitResult(io, opts, { ...report, ...(o.html ? { html: resolve(o.html) } : {}) }, (r) =>
            [
              `report ${r.from} – ${r.to}${r.db ? ` for ${r.db}` : ''}: ${r.runs.length} runs, ${r.backups.length} backups, ${r.restores.length} restores; ${r.signature ? `signed by ${r.signature.keyId.slice(0, 16)}…` : 'unsigned'}`,
              ...r.runs.map(
                (x) => `  ${x.createdAt}  ${x.runId}  ${x.kind.padEnd(14)} ${x.integrity.padEnd(10)} ${x.outcome}`,
              ),
              ...(r.policy.daily
                ? r.gaps.length
                  ? r.gaps.map((g) => `  gap: ${g.day} has no completed, proven backup of ${g.db}`)
                  : ['  policy: every day has a completed, proven backup']
                : []),
              ...r.restores
                .filter((x) => x.drill)
                .map(
                  (x) =>
                    `  drill ${x.runId}: ${x.drill!.status}, RTO ${x.drill!.rtoSeconds ?? '?'} s, RPO ${x.drill!.rpoSeconds ?? '?'} s`,
                ),
              ...r.restores.flatMap((x) =>
                x.aiFilesApplied.map(
                  (a) =>
                    `  restore ${x.runId} applied seq ${a.aiSeq ?? '?'} ${a.file} (${a.bytes ?? '?'} bytes, sha256 ${a.sha256 ?? 'not recorded'})`,
                ),
              ),
              `  coverage: ${r.coverage.anchored} of ${r.coverage.runs} runs anchored in the store log, ${r.coverage.coveredByCheckpoint} covered by a verified checkpoint`,
              ...(r.html ? [`  html: ${r.html}`] : []),
            ].join('\n'),
          );
        });
      },
    );
}
