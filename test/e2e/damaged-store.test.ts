// A damaged state store is OEF-020 with what to do, for every command that meets the damage
// (verify included): never an internal error with a stack trace.
import { mkdtempSync, openSync, rmSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { oeflow, oeflowText, useInProcessCli } from '../helpers/oeflow.js';

useInProcessCli();

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a damaged state store', () => {
  it('is OEF-020 with the next action, in one JSON document and in text without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oeflow-damaged-'));
    dirs.push(dir);
    const path = join(dir, 'oeflow.db');
    openStore(path).close();
    // overwrite every page after the first: the schema stays readable, the tables do not
    const fd = openSync(path, 'r+');
    const size = statSync(path).size;
    writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    closeSync(fd);
    const env = { ...process.env, OEFLOW_STATE: path } as Record<string, string>;
    const r = await oeflow(['verify', 'run-x'], env);
    expect((r.json.error as { code: string; hint: string }).code, r.stdout + r.stderr).toBe('OEF-020');
    expect((r.json.error as { hint: string }).hint).toMatch(/restore the store from your backup/);
    const t = await oeflowText(['runs'], env);
    expect(t.stderr).toMatch(/^oeflow: OEF-020 /);
    expect(t.stderr).not.toMatch(/^\s+at /m);
    expect(t.exitCode).toBe(1);
  });
});
