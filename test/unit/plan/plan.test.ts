// `restore --plan` (issue 4) from the roll-forward machine's main path: the commands a run
// executes, in order, with their notes, as the text and --json plans show them.
import { describe, expect, it } from 'vitest';
import { planRestore, renderPlan } from '../../../src/plan/plan.js';

const proven = { ok: true, problems: [] };

describe('planRestore', () => {
  it('lists repair, replication, sequence and one roll forward per AI file, each with the --until note', () => {
    const plan = planRestore(
      {
        procedure: 'roll-forward',
        db: '/nonexistent/r/sports',
        aiFiles: ['/arch/sports.a3', '/arch/sports.a4'],
        replication: 'target',
        until: '2026:01:02:03:04:05',
        pairedAiSeq: 3,
        backupDir: '/bk',
      },
      proven,
    );
    const note = 'stops after the file in which the endtime is located (17923)';
    expect(plan.commands).toEqual([
      { kb: 'RF-2', argv: ['prostrct', 'repair', '/nonexistent/r/sports', '/nonexistent/r/sports.st'] },
      { kb: 'RF-3', argv: ['proutil', '/nonexistent/r/sports', '-C', 'disablesitereplication', 'target'] },
      { kb: 'RF-4', argv: ['rfutil', '/nonexistent/r/sports', '-C', 'sequence'] },
      ...['/arch/sports.a3', '/arch/sports.a4'].map((f) => ({
        kb: 'RF-5',
        argv: ['rfutil', '/nonexistent/r/sports', '-C', 'roll', 'forward', 'endtime', '2026:01:02:03:04:05', '-a', f],
        note,
      })),
    ]);
    expect(plan.ready).toBe(true);
    expect(renderPlan(plan)).toContain(
      `    RF-5      rfutil /nonexistent/r/sports -C roll forward endtime 2026:01:02:03:04:05 -a /arch/sports.a4   # ${note}`,
    );
  });

  it('leaves out RF-3 for a copy that does not replicate, and plans no roll forward without AI files', () => {
    const plan = planRestore({ procedure: 'roll-forward', db: '/nonexistent/r/sports', aiFiles: [] }, proven);
    expect(plan.commands.map((c) => c.kb)).toEqual(['RF-2', 'RF-4']);
  });
});
