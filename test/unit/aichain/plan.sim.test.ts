// planAiChain against the simulator: real AI headers read with `rfutil -C aimage scan`.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planAiChain } from '../../../src/aichain/plan.js';
import { createTools } from '../../../src/openedge/create-tools.js';
import type { OpenEdgeTools } from '../../../src/openedge/tools.js';
import { simInit, type SimDb } from '../openedge/sim.js';

let sim: SimDb;
let tools: OpenEdgeTools;
let archive: string;
let begin: string;

beforeEach(async () => {
  sim = await simInit();
  tools = createTools({ dlc: sim.dlc });
  for (let i = 0; i < 3; i++) await tools.aimageNew(sim.db);
  archive = path.join(sim.dir, 'archive');
  mkdirSync(archive);
  for (let n = 1; n <= 4; n++)
    copyFileSync(
      `${sim.db}.a${n}`,
      path.join(archive, `arc~sports.20240101.000000.${String(n).padStart(8, '0')}.sports.a${n}`),
    );
  begin = (await tools.describe(sim.db)).value.aiBeginDate ?? '';
});
afterEach(async () => sim.cleanup());

describe('planAiChain on the simulator', () => {
  it('proves the chain 2–4 from an archive directory when paired with sequence 2', async () => {
    const plan = await planAiChain({ tools, db: sim.db, inputs: [archive], pairedSeq: 2, aiBeginDate: begin });
    expect(plan).toMatchObject({ ok: true, firstSeq: 2, lastSeq: 4, problems: [] });
    expect(plan.skipped.map((s) => path.basename(s.path))).toEqual(['arc~sports.20240101.000000.00000001.sports.a1']);
  });

  it('names sequence 3 as missing and flags a non-AI file when one file is removed and the .db is named', async () => {
    rmSync(path.join(archive, 'arc~sports.20240101.000000.00000003.sports.a3'));
    const plan = await planAiChain({
      tools,
      db: sim.db,
      inputs: [archive, `${sim.db}.db`],
      pairedSeq: 1,
      aiBeginDate: begin,
    });
    expect(plan.ok).toBe(false);
    expect(plan.problems.map((p) => [p.kind, p.seqnos ?? p.paths])).toEqual([
      ['not-ai', [`${sim.db}.db`]],
      ['gap', [3]],
    ]);
  });
});
