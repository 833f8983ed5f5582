// A utility must finish its work when oeflow dies under it: its output goes to files, so no
// closed pipe kills it (SIGPIPE) at its next line, half way through.
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const RUNNER = resolve('dist/src/openedge/runner.js');
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('runTool when oeflow is killed', () => {
  it('lets the utility run to its end', async () => {
    const dlc = mkdtempSync(join(tmpdir(), 'oeflow-runner-'));
    dirs.push(dlc);
    mkdirSync(join(dlc, 'bin'));
    const marker = join(dlc, 'finished');
    // a "utility" that prints after oeflow is gone, then records that it got to the end
    writeFileSync(join(dlc, 'bin', 'rfutil'), '#!/bin/sh\nsleep 1\necho "applied"\necho "done (451)"\ntouch "$1"\n');
    chmodSync(join(dlc, 'bin', 'rfutil'), 0o755);
    const caller = execa(process.execPath, ['--input-type=module', '-e', `import { runTool } from ${JSON.stringify(RUNNER)}; await runTool(${JSON.stringify(dlc)}, 'rfutil', [${JSON.stringify(marker)}]);`], { reject: false });
    await new Promise((r) => setTimeout(r, 400));
    caller.kill('SIGKILL');
    await caller;
    const deadline = Date.now() + 5_000;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(marker)).toBe(true);
  });
});
