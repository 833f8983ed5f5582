// Usage errors commander detects (unknown command or option, missing argument or required
// option) are OEF-001 like every other error: the JSON error object on stdout with --json,
// the `oeflow: OEF-001 …` line and the usage text on stderr without it; exit 2 either way.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oeflow, oeflowText, tempDir, useInProcessCli } from '../helpers/oeflow.js';

useInProcessCli();

describe('oeflow usage errors', () => {
  const dir = tempDir();
  const env = (): Record<string, string> => ({
    ...(process.env as Record<string, string>),
    OEFLOW_STATE: join(dir, 'state.db'),
  });

  it.each([
    { args: ['bogus'], message: "unknown command 'bogus'", help: 'oeflow --help' },
    {
      args: ['restore', 'bk-1', '--ai', '/tmp/ai'],
      message: "required option '--into <dir>' not specified",
      help: 'oeflow restore --help',
    },
    {
      args: ['resolve', 'r-1', '--as', 'done'],
      message: "required option '--reason <text>' not specified",
      help: 'oeflow resolve --help',
    },
    { args: ['show'], message: "missing required argument 'runId'", help: 'oeflow show --help' },
    { args: ['runs', '--bogus'], message: "unknown option '--bogus'", help: 'oeflow runs --help' },
    { args: ['backup'], message: 'missing command after `oeflow backup`', help: 'oeflow backup --help' },
  ])(
    'prints the OEF-001 JSON error on stdout and exits 2 when $args is given with --json',
    async ({ args, message, help }) => {
      const r = await oeflow(args, env());
      expect(r.exitCode).toBe(2);
      expect(r.json).toEqual({
        status: 'error',
        error: {
          code: 'OEF-001',
          message,
          hint: `Run \`${help}\` for the syntax.`,
          details: { commanderCode: expect.stringMatching(/^commander\./) as unknown },
        },
      });
      expect(r.stderr).toBe('');
    },
  );

  it('prints one OEF-001 line, then the usage of the command, on stderr when --json is not given', async () => {
    const r = await oeflowText(['restore', 'bk-1', '--ai', '/tmp/ai'], env());
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe("oeflow: OEF-001 required option '--into <dir>' not specified");
    expect(lines[1]).toBe('  next: Run `oeflow restore --help` for the syntax.');
    expect(r.stderr).toContain('Usage: oeflow restore [options] <backup>');
    expect(r.stderr).not.toMatch(/^error:/m);
  });

  it('still prints help on stdout and exits 0 for help', async () => {
    const r = await oeflowText(['help', 'resolve'], env());
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: oeflow resolve [options] <runId>');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      '(journaled); it does not resume: `oeflow resume <runId>` then continues the run',
    );
    expect(r.stderr).toBe('');
  });
});

describe('a backup without --to or a repository', () => {
  it('is a usage error naming both ways, and runs nothing', async () => {
    const dir = tempDir();
    const r = await oeflow(['backup', 'offline', '/tmp/no-such-db'], {
      ...(process.env as Record<string, string>),
      HOME: dir,
      OEFLOW_STATE: join(dir, 'state.db'),
      OEFLOW_CONFIG: '',
      OEFLOW_REPO: '',
    });
    expect(r.exitCode).toBe(2);
    expect(r.json.error).toMatchObject({
      code: 'OEF-001',
      message: expect.stringContaining('--repo <dir>') as unknown,
    });
  });
});

describe('the default store', () => {
  it('is ~/.oeflow/oeflow.db whatever the current directory, and a read-only command does not create it', async () => {
    const home = tempDir();
    const env = { ...(process.env as Record<string, string>), HOME: home, OEFLOW_STATE: '', OEFLOW_CONFIG: '' };
    const r = await oeflow(['runs'], env);
    expect(r.exitCode).toBe(0);
    expect(r.json).toEqual({ runs: [] });
    expect(existsSync(join(home, '.oeflow'))).toBe(false);
  });
});

describe('a mistyped --state', () => {
  it('is an error for commands that read runs, and creates nothing', async () => {
    const dir = tempDir();
    const missing = join(dir, 'no-such', 'state.db');
    const r = await oeflow(['runs', '--state', missing], process.env as Record<string, string>);
    expect(r.exitCode).toBe(1);
    expect((r.json.error as { code: string }).code).toBe('OEF-020');
    expect(existsSync(join(dir, 'no-such'))).toBe(false);
  });
});
