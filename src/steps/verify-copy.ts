// OFFLINE-5 / ONLINE-3: verify the copy by re-reading it against its manifest.
import { verifyCopy as verifyAgainstManifest } from '../copy/index.js';
import { fail, factText, type Step } from './step.js';

export const verifyCopy = {
  id: 'verifyCopy',
  title: 'Verify the copy against its manifest',
  kb: 'OFFLINE-5',
  effect: 'read',
  probe: async () => null,
  async run(env) {
    const dir = factText(env.ctx.facts.copyFiles?.destination ?? env.ctx.input.destination);
    const result = await verifyAgainstManifest(dir, { signal: env.signal });
    if (!result.ok) {
      const list = result.problems.map((p) => `${p.relPath}: ${p.kind}`).join(', ');
      fail('failed', 'OEF-300', `copy verification failed: ${list}`);
    }
    return { verified: true, verifiedAt: new Date().toISOString() };
  },
} satisfies Step<null>;
