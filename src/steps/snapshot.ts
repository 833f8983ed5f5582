// ONLINE-2: split the mirror / take the snapshot with the operator's --snapshot-cmd,
// while the quiet point holds; a copy it produces is verified against a manifest.
import { runSnapshotCommand } from '../copy/index.js';
import { databaseFiles } from './db-files.js';
import { factText, type Step } from './step.js';

export const snapshot = {
  id: 'snapshot',
  title: 'Take the snapshot (--snapshot-cmd)',
  kb: 'ONLINE-2',
  effect: 'idempotent',
  probe: async () => null,
  async run(env) {
    const { input, facts } = env.ctx;
    const r = await runSnapshotCommand({
      command: input.snapshotCmd!, sources: await databaseFiles(input.db), db: input.db, destination: input.destination!,
      facts: { PAIRED_AI_SEQ: factText(facts.quietEnable?.pairedSeq) }, signal: env.signal,
    });
    return {
      exitCode: r.exitCode, ...(r.copyDir ? { copyDir: r.copyDir } : {}),
      ...(r.report ? { manifestDigest: r.report.manifest.digest } : {}), output: r.stdout.slice(-2000),
    };
  },
} satisfies Step<null>;
