// RF-2: make the restored .st name FULL paths of every extent of the copy, AI
// included, then repair the control area (prostrct repair) so it points at them.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest } from '../copy/index.js';
import { dbPaths } from '../openedge/dlc.js';
import { formatSt, parseSt, rewriteStPaths, stFiles } from '../openedge/st-file.js';
import { requireSuccess } from './probes.js';
import { fail, type Step, type CommandShape } from './step.js';
import { prostrctRepairArgv } from '../openedge/argv.js';

const REPAIR = { utility: 'prostrct', words: ['repair'] } as const satisfies CommandShape;

export const repairStructure = {
  id: 'repairStructure',
  title: 'Rewrite the .st with full paths and repair the control area (prostrct repair)',
  kb: 'RF-2',
  effect: 'idempotent',
  effects: [REPAIR],
  commands: ({ input }) => [{ ...REPAIR, args: prostrctRepairArgv(input.db, dbPaths(input.db).stFile) }],
  probe: async () => null,
  async run(env) {
    const { input } = env.ctx;
    const target = dbPaths(input.db);
    const manifest = readManifest(input.backupDir!);
    // source path → restored path; restored paths map to themselves, so a re-run after a
    // crash (the .st already rewritten) is idempotent.
    const restored = manifest.entries.map((e) => join(target.dir, e.relPath));
    const mapping = new Map([
      ...manifest.entries.map((e, i) => [e.source, restored[i]!] as const),
      ...restored.map((p) => [p, p] as const),
    ]);
    const st = rewriteStPaths(parseSt(await readFile(target.stFile, 'utf8')), (old) => {
      const now = mapping.get(old);
      if (now === undefined)
        fail('failed', 'OEF-300', `the restored .st names ${old}, which is not in the backup's manifest`);
      return now;
    });
    await writeFile(`${target.stFile}.tmp`, formatSt(st));
    await rename(`${target.stFile}.tmp`, target.stFile);
    requireSuccess(await env.tools.prostrctRepair(input.db, target.stFile, { signal: env.signal }), 'prostrct repair');
    return { stFile: target.stFile, extents: stFiles(st).length };
  },
} satisfies Step<null>;
