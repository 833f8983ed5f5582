// ONLINE-2: split the mirror / take the snapshot with the operator's --snapshot-cmd,
// while the quiet point holds; a copy it produces is verified against a manifest.
import { runSnapshotCommand } from '../copy/index.js';
import { withDatabaseFiles } from './db-files.js';
import type { Step, CommandShape } from './step.js';

// the operator's own command: declared for the plan, never a utility call (src/steps/effect-commands.ts)
const SNAPSHOT_CMD = { utility: 'sh', words: ['-c'] } as const satisfies CommandShape;

export const snapshot = {
  id: 'snapshot',
  title: 'Take the snapshot (--snapshot-cmd)',
  kb: 'ONLINE-2',
  effect: 'idempotent',
  effects: [SNAPSHOT_CMD],
  commands: ({ input }) =>
    (input.snapshotCmd ?? '') === ''
      ? []
      : [
          {
            ...SNAPSHOT_CMD,
            args: ['-c', input.snapshotCmd!],
            note: 'your snapshot command (not journaled as a utility)',
          },
        ],
  probe: async () => null,
  async run(env) {
    const { input, facts } = env.ctx;
    // The command copies what is on disk, so its .st is the on-disk one; the extents are
    // the control area's (prostrct list), so a stale .st cannot drop a file from the copy, and
    // a copy it leaves gets the listed .st in place of the on-disk one (restores repair with it).
    return withDatabaseFiles(env, input.db, async (files) => {
      const listed = files.sources.find((f) => f.role === 'structure' && f.relPath !== undefined);
      // The quiet point's forced switch makes the sequence after the one BUSY before it current;
      // nothing switches while it holds. confirmQuietPoint checks this after the disable (the
      // AI list is read outside the window), and the run fails if it differs.
      const previous = Number(facts.quietEnable?.previousSeq);
      const pairedSeq = Number.isInteger(previous) ? String(previous + 1) : '';
      const mark = env.markSpawn();
      const r = await runSnapshotCommand({
        command: input.snapshotCmd!,
        sources: files.onDiskSources,
        db: input.db,
        destination: input.destination!,
        facts: { PAIRED_AI_SEQ: pairedSeq },
        signal: env.signal,
        // marked and journaled with its pid: a resume after a kill waits for it, never runs a second one alongside
        env: mark.env,
        onStart: (pid, argv) => env.siteCommandStarted(pid, argv, true, mark.spawnId),
        ...(listed?.relPath !== undefined ? { structure: { path: listed.path, relPath: listed.relPath } } : {}),
      });
      return {
        exitCode: r.exitCode,
        pairedSeqAnnounced: pairedSeq,
        ...(r.copyDir ? { copyDir: r.copyDir } : {}),
        ...(r.report ? { manifestDigest: r.report.manifest.digest } : {}),
        output: r.stdout.slice(-2000),
        structure: files.structure,
      };
    });
  },
} satisfies Step<null>;
