// OFFLINE-5 / ONLINE-3: verify the copy by re-reading it against its manifest, and make it
// durable (an online copy is written without fsync under the quiet point: issue 9). The online
// copy path's copy has no manifest yet: it is sealed here, after the disable (src/copy/quiesced-copy.ts).
import { sealCopy, verifyCopy as verifyAgainstManifest } from '../copy/index.js';
import { fact } from './step-facts.js';
import { fail, factText, noCommands, type Step } from './step.js';

export const verifyCopy = {
  id: 'verifyCopy',
  title: 'Verify the copy against its manifest (online copy path: seal it with one)',
  kb: 'OFFLINE-5',
  // sealing writes the manifest: the same bytes again on a rerun
  effect: 'idempotent',
  commands: noCommands,
  probe: async () => null,
  async run(env) {
    const { facts } = env.ctx;
    const dir = factText(facts.transferClone?.destination ?? facts.copyFiles?.destination ?? env.ctx.input.destination);
    const unsealed = facts.transferClone === undefined ? fact(facts, 'copyFiles', 'sealAfterDisable') : undefined;
    const progress = (p: { bytesDone: number; bytesTotal: number; file: string }): void =>
      env.progress({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, message: p.file });
    if (unsealed !== undefined) {
      // What this proves: every file the quiesced copy listed is there at the size its source had
      // under the quiet point; from here on the manifest's sha256 binds the bytes (restore and
      // `verify-backup` check them). That the bytes are the source's rests on the kernel copy, as
      // for `cp` and for the clone path's clone (docs/architecture.md, "The online copy").
      const sealed = await sealCopy(dir, unsealed, {
        signal: env.signal,
        onProgress: progress,
      });
      if (!sealed.ok) {
        const list = sealed.problems.map((p) => `${p.relPath}: ${p.kind}`).join(', ');
        fail('failed', 'OEF-300', `copy verification failed: ${list}`);
      }
      return {
        verified: true,
        verifiedAt: new Date().toISOString(),
        sealedAfterDisable: true,
        rewrittenWithOwnBlocks: sealed.rewrittenWithOwnBlocks,
        manifestDigest: sealed.manifest.digest,
        manifestPath: sealed.manifestPath,
      };
    }
    const result = await verifyAgainstManifest(dir, { signal: env.signal, fsync: true });
    if (!result.ok) {
      const list = result.problems.map((p) => `${p.relPath}: ${p.kind}`).join(', ');
      fail('failed', 'OEF-300', `copy verification failed: ${list}`);
    }
    return { verified: true, verifiedAt: new Date().toISOString() };
  },
} satisfies Step<null>;
