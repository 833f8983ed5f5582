// `oeflow expire [db] [--plan]`: apply the retention policy (retain-count / retain-age) to the
// backups of a database, or of every configured one, and (expire-ai-files = true) to the
// archived AI files in its ai-archive directory.
import type { Command } from 'commander';
import { emitResult, globalOptions, type CliIO } from './io.js';

interface ExpireOpts {
  plan?: boolean;
  retainCount?: string | number;
  retainAge?: string;
}

export function registerExpireCommand(program: Command, io: CliIO): void {
  program
    .command('expire [db]')
    .description(
      'Remove backups beyond the retention policy (never the newest one the AI chain reaches the present from, never one an open run uses) and, with expire-ai-files, archived AI files older than the oldest kept backup; --plan lists what would go',
    )
    .option('--retain-count <n>', 'keep at least the n newest backups (default: retain-count in the configuration)')
    .option(
      '--retain-age <duration>',
      'keep every backup younger than this, e.g. 14d (default: retain-age in the configuration)',
    )
    .option('--plan', 'list what would be removed and why the rest is kept; remove nothing')
    .action(async (db: string | undefined, o: ExpireOpts, command: Command) => {
      const opts = globalOptions(command);
      const { userInfo } = await import('node:os');
      const { storeFor } = await import('./context.js');
      const { dbTargets } = await import('./db-targets.js');
      const { parseDuration } = await import('./duration.js');
      const { OeflowError } = await import('../errors.js');
      const { planExpiry, applyExpiry, chainAnchor, keptCandidates } = await import('../app/expire.js');
      const { liveAi } = await import('../app/chain-reach.js');
      const { planAiFileExpiry, applyAiFileExpiry } = await import('../app/expire-ai-files.js');
      const { dlcFor } = await import('./context.js');
      const { paramsFromSettings } = await import('./utility-params.js');
      // the chain proof needs rfutil; without a DLC nothing is proven and the newest backup is kept (said)
      const dlcError = await dlcFor(opts).then(
        () => null,
        (err: unknown) => err,
      );
      const dlc = dlcError === null ? await dlcFor(opts) : undefined;
      // values the configuration put on the options are taken per database below, from its section
      const given = (attr: string) =>
        command.getOptionValueSource(attr) === 'cli' || command.getOptionValueSource(attr) === 'env';
      const count = o.retainCount === undefined || !given('retainCount') ? undefined : Number(o.retainCount);
      const age = given('retainAge') ? o.retainAge : undefined;
      if (count !== undefined && (!Number.isInteger(count) || count < 1))
        throw new OeflowError(
          'OEF-001',
          `--retain-count must be a whole number of at least 1 (got ${String(o.retainCount)})`,
        );
      const store = storeFor(opts, { existing: o.plan === true });
      try {
        const results = [];
        for (const t of dbTargets(command, db ? [db] : [], store)) {
          // the per-database section may set its own policy; the command line wins
          const setting = (key: string) => t.settings.get(key)?.value;
          const tCount = count ?? (setting('retain-count') as number | undefined);
          const ageText = age ?? (setting('retain-age') as string | undefined);
          const policy = { count: tCount, ageMs: ageText ? parseDuration(ageText) : undefined };
          const aiArchive = setting('ai-archive') as string | undefined;
          const params = paramsFromSettings(t.settings); // an encrypted database's utilities need them
          // the chain is proven only when there is a policy to apply (planExpiry refuses otherwise)
          const anchor =
            policy.count === undefined && policy.ageMs === undefined
              ? null
              : await chainAnchor(
                  store,
                  keptCandidates(store, t.db),
                  dlc === undefined
                    ? { busySeq: null, fullSeqs: [], unreadable: 'no OpenEdge installation (DLC) to read it with' }
                    : await liveAi(dlc, t.db, params),
                  { dlc: dlc ?? '', aiArchive, params },
                );
          const plan = planExpiry(store, t.db, policy, anchor);
          const oldestKept = keptCandidates(store, t.db)
            .filter((b) => plan.find((d) => d.backupId === b.backupId)?.keep)
            .at(-1);
          const expireAi = setting('expire-ai-files') === true && aiArchive !== undefined;
          if (expireAi && dlc === undefined) throw dlcError; // the files' sequences are read with rfutil
          const aiFiles = expireAi ? await planAiFileExpiry(store, oldestKept, { dlc: dlc!, aiArchive, params }) : [];
          const { removed } = o.plan
            ? { removed: [] as string[] }
            : await applyExpiry(store, plan, userInfo().username);
          const removedAiFiles = o.plan ? [] : await applyAiFileExpiry(store, oldestKept, aiFiles, userInfo().username);
          results.push({
            db: t.db,
            section: t.section ?? null,
            plan,
            removed,
            chain: anchor,
            aiFiles: {
              expire: expireAi,
              why: expireAi ? null : aiArchive === undefined ? 'no ai-archive configured' : 'expire-ai-files is off',
              plan: aiFiles,
              removed: removedAiFiles,
            },
          });
        }
        emitResult(io, opts, { plan: o.plan === true, databases: results }, (r) =>
          r.databases
            .map((d) =>
              [
                `${d.section ?? d.db}:`,
                ...d.plan.map(
                  (x) =>
                    `  ${x.keep ? 'keep  ' : r.plan ? 'remove' : 'REMOVED'} ${x.backupId}  ${x.completedAt ?? ''}  ${x.reasons.join('; ')}`,
                ),
                ...(d.plan.length === 0 ? ['  no backups'] : []),
                ...(d.aiFiles.expire
                  ? [
                      `  archived AI files: ${d.aiFiles.plan.filter((f) => !f.remove).length} kept`,
                      ...d.aiFiles.plan
                        .filter((f) => f.remove)
                        .map((f) => `  ${r.plan ? 'remove' : 'REMOVED'} ${f.path}  ${f.reason}`),
                    ]
                  : [`  archived AI files: not expired (${d.aiFiles.why ?? ''})`]),
              ].join('\n'),
            )
            .join('\n'),
        );
      } finally {
        store.close();
      }
    });
}
