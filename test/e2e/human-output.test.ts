// Output for people (issue 13, item 9) through the real CLI off a terminal, as cron runs it:
// progress one line per step on stderr in plain words beside the article ids; the result ends
// with size, duration, quiet-point time and the next step; a failed run's reason and next
// action (with the real run id) on stderr even with -q, so `>/dev/null` keeps them; runs and
// backups as tables; and the log file gets one line per step and command with a level.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oeflowText, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

describe('oeflow output for people', () => {
  it('reports a backup and a failed backup the way a DBA reads them, and logs both', async () => {
    const sim = newSim({ serve: true });
    const log = join(sim.dir, 'oeflow.log');
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db'), TZ: 'UTC' };

    const ok = await oeflowText(['backup', 'online', sim.db, '--repo', join(sim.dir, 'repo'), '--log-file', log], env);
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    const out = ok.stdout.split('\n');
    expect(out[0]).toMatch(new RegExp(`^online backup of ${sim.db}: COMPLETED in \\S+ (ms|s) \\(run (run-\\S+)\\)$`));
    const runId = /\(run (run-\S+)\)$/.exec(out[0]!)![1]!;
    expect(ok.stdout).toMatch(/^ {2}size {9}\d+(\.\d)? (B|KiB|MiB), 9 files$/m);
    expect(ok.stdout).toMatch(/^ {2}duration {5}\d/m);
    expect(ok.stdout).toMatch(/^ {2}quiet point {2}held \S+ (ms|s) \(copy method: copy\)$/m);
    expect(out.at(-1)).toMatch(
      /^next: keep the AI files from sequence \d+ on; to restore: oeflow restore bk-\S+ --into/,
    );
    // off a terminal: start and end lines per step, no redraws, no internal step names
    expect(ok.stderr).toContain('  ▶ ONLINE-1   Enable a quiet point (proquiet enable): started\n');
    expect(ok.stderr).toMatch(/^ {2}✔ ONLINE-4 {3}Disable the quiet point \(proquiet disable\): done in \S+/m);
    expect(ok.stderr).not.toMatch(/\r|quietEnable|copyFiles/);

    const failed = await oeflowText(
      ['backup', 'online', sim.db, '--repo', join(sim.dir, 'repo'), '--log-file', log, '-q'],
      { ...env, OEFLOW_SIM_FAULTS: 'proquiet:enable:fail' },
    );
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stdout).toBe(''); // -q: only errors, and those go to stderr
    const problem = failed.stderr.split('\n');
    expect(problem[0]).toMatch(
      /^oeflow: run (run-\S+) FAILED at Enable a quiet point \(proquiet enable\) \(ONLINE-1\): OEF-\d{3} /,
    );
    const failedId = /^oeflow: run (run-\S+) /.exec(problem[0]!)![1]!;
    expect(problem[1]).toMatch(/^ {2}next: /);
    expect(failed.stderr).not.toMatch(/<run-id>|failed in failed|▶/);
    expect(failed.stderr).toContain(failedId);

    const runs = await oeflowText(['runs'], env);
    const [header, ...rows] = runs.stdout.split('\n');
    expect(header).toMatch(/^RUN +STATUS +PROCEDURE +STARTED +DURATION +DATABASE +STOPPED AT$/);
    expect(rows[0]).toMatch(
      new RegExp(
        `^${failedId} +failed +online backup +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC +\\S+ (ms|s) +${sim.db} +Enable a quiet point \\(proquiet enable\\) \\(ONLINE-1\\)$`,
      ),
    );
    expect(rows[1]).toMatch(new RegExp(`^${runId} +completed +online backup `));
    expect(header!.indexOf('STATUS')).toBe(rows[0]!.indexOf('failed')); // aligned under the header
    const backups = await oeflowText(['backups'], env);
    expect(backups.stdout).toMatch(
      /^BACKUP +KIND +TAKEN +SIZE +DURATION +AI SEQ +DATABASE +DESTINATION\nbk-\S+ +online +\S+ \S+ UTC +\S+ (B|KiB|MiB) +\S+/,
    );

    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    for (const l of lines)
      expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 (ERROR|WARN |INFO |DEBUG) oeflow\[\d+\] /);
    expect(lines.filter((l) => l.includes('command started: oeflow backup online'))).toHaveLength(2);
    expect(
      lines.some((l) => l.includes(` ${runId} ✔ ONLINE-1   Enable a quiet point (proquiet enable): done in `)),
    ).toBe(true);
    expect(lines.some((l) => new RegExp(` ${runId} \\$ proquiet ${sim.db} enable → exit 0 `).test(l))).toBe(true);
    expect(lines.some((l) => /^\S+ ERROR .* ✖ ONLINE-1 +Enable a quiet point/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/ ERROR oeflow\[\d+\] command ended: oeflow backup online, exit [1-9]\d*: /);
    expect(lines.some((l) => l.includes(' DEBUG '))).toBe(false); // default level info
  }, 180_000);
});
