// The in-process CLI harness (test/helpers/in-process.ts) gives a command what a spawned one
// gets (its env on top of the test's, its cwd, stdout/stderr as execa reads them) and leaves the
// test process as it found it.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runOeflowInProcess } from '../../helpers/in-process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('oeflow run in the test process', () => {
  it('prints what the spawned CLI prints, with one final newline stripped, and exits the same', async () => {
    const r = await runOeflowInProcess(['version', '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.endsWith('}')).toBe(true);
    expect(JSON.parse(r.stdout)).toMatchObject({ oeflow: expect.any(String) as string });
    expect(r.stderr).toBe('');
  });

  it('resolves paths against its cwd and reads its env, then restores both', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'oeflow-inproc-')));
    dirs.push(dir);
    const env = { ...process.env };
    const cwd = process.cwd();
    const relative = await runOeflowInProcess(['runs', '--state', 'rel.db', '--json'], { cwd: dir });
    expect(relative.exitCode).toBe(1);
    expect((JSON.parse(relative.stdout) as { error: { details: { path: string } } }).error.details.path).toBe(
      join(dir, 'rel.db'),
    );
    const fromEnv = await runOeflowInProcess(['runs', '--json'], { env: { OEFLOW_STATE: join(dir, 'env.db') } });
    expect((JSON.parse(fromEnv.stdout) as { error: { details: { path: string } } }).error.details.path).toBe(
      join(dir, 'env.db'),
    );
    expect(process.cwd()).toBe(cwd);
    expect(process.env).toEqual(env);
    expect(process.listeners('SIGINT')).toEqual([]);
  });

  it('refuses a crash point, which would kill the test process', async () => {
    await expect(
      runOeflowInProcess(['runs', '--json'], { env: { OEFLOW_CRASH_AT: 'after-intent:*' } }),
    ).rejects.toThrow(/spawn/);
  });
});
