// The log file: appended, one whole line per write (concurrent writers never split a line),
// filtered by level, and a log that cannot be written is reported once and never throws.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { journalLogProblem, openCommandLog } from '../../../src/cli/command-log.js';
import { openStore } from '../../../src/store/index.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'oeflow-log-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const LINE =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (ERROR|WARN |INFO |DEBUG) oeflow\[\d+\]( run-\S+)? .+$/;

describe('openCommandLog', () => {
  it('appends to what is there, with a local timestamp and a level, and drops lines below the level', () => {
    const file = join(temp(), 'oeflow.log');
    writeFileSync(file, 'an older line\n');
    const log = openCommandLog(file, 'warn', () => undefined);
    log.write('debug', 'not written');
    log.write('info', 'not written either');
    log.write('warn', 'a notice\nwith two lines', 'run-1');
    log.write('error', 'a failure');
    log.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('an older line');
    expect(lines.slice(1)).toHaveLength(2);
    for (const l of lines.slice(1)) expect(l).toMatch(LINE);
    expect(lines[1]).toMatch(/ WARN {2}oeflow\[\d+\] run-1 a notice \| with two lines$/);
    expect(log.problem).toBeUndefined();
  });

  it('keeps every line whole when several processes append at once', async () => {
    const file = join(temp(), 'shared.log');
    const module = resolve(import.meta.dirname, '../../../dist/src/cli/command-log.js');
    const writer = `const { openCommandLog } = await import(${JSON.stringify(module)}); const log = openCommandLog(process.argv[1], 'info', () => {}); for (let i = 0; i < 300; i++) log.write('info', 'x'.repeat(200) + ' ' + i, 'run-' + process.pid); log.close();`;
    await Promise.all(
      [1, 2, 3].map(() => promisify(execFile)(process.execPath, ['--input-type=module', '-e', writer, file])),
    );
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(900);
    for (const l of lines) expect(l).toMatch(LINE);
  });

  it('reports a log it cannot open once, and writes go nowhere without throwing', () => {
    const warnings: string[] = [];
    const log = openCommandLog(join(temp(), 'missing-dir', 'oeflow.log'), 'info', (m) => warnings.push(m));
    expect(() => log.write('error', 'lost')).not.toThrow();
    log.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^oeflow: warning: cannot write the log file .*missing-dir\/oeflow\.log: ENOENT/);
    expect(log.problem).toMatch(/ENOENT/);
  });

  it('is journaled on the run when it failed, so the record says the log has a gap', () => {
    const store = openStore(':memory:');
    try {
      store.createRun({
        runId: 'run-1',
        machineId: 'offline-backup',
        machineHash: 'h',
        db: '/db/x',
        kind: 'offline-backup',
        input: { procedure: 'offline-backup', db: '/db/x' },
        host: 'h',
        pid: 1,
      });
      const good = openCommandLog(join(temp(), 'ok.log'), 'info', () => undefined);
      journalLogProblem(good, store, 'run-1');
      good.close();
      expect(store.journal('run-1').filter((r) => r.kind === 'note')).toHaveLength(0);
      const bad = openCommandLog(join(temp(), 'missing-dir', 'oeflow.log'), 'info', () => undefined);
      journalLogProblem(bad, store, 'run-1');
      const notes = store.journal('run-1').filter((r) => r.kind === 'note');
      expect(notes.map((n) => n.data)).toEqual([
        { logFile: { file: bad.file, error: expect.stringMatching(/ENOENT/) as unknown } },
      ]);
    } finally {
      store.close();
    }
  });
});
