// OFFLINE-5 / ONLINE-3: verify the copy by re-reading it against its manifest, and make it
// durable (an online copy is written without fsync under the quiet point: issue 9).
import { verifyCopy as verifyAgainstManifest } from '../copy/index.js';
import { fail, factText, noCommands, type Step } from './step.js';

export const verifyCopy = {
  id: 'verifyCopy',
  title: 'Verify the copy against its manifest',
  kb: 'OFFLINE-5',
  effect: 'read',
  commands: noCommands,
  probe: async () => null,
  async run(env) {
    const dir = factText(
      env.ctx.facts.transferClone?.destination ?? env.ctx.facts.copyFiles?.destination ?? env.ctx.input.destination,
    );
    const result = await verifyAgainstManifest(dir, { signal: env.signal, fsync: true });
    if (!result.ok) {
      const list = result.problems.map((p) => `${p.relPath}: ${p.kind}`).join(', ');
      fail('failed', 'OEF-300', `copy verification failed: ${list}`);
    }
    return { verified: true, verifiedAt: new Date().toISOString() };
  },
} satisfies Step<null>;
