// A utility must finish its work when oeflow dies under it: its output goes to files, so no
// closed pipe kills it (SIGPIPE) at its next line, half way through.
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const RUNNER = resolve('dist/src/openedge/runner.js');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Resolves once `file` exists; false if it never appears within `ms` (a bound, not a delay). */
async function appears(file: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe('runTool when oeflow is killed', () => {
  it('lets the utility print and run to its end after its caller is gone', async () => {
    const dlc = mkdtempSync(join(tmpdir(), 'oeflow-runner-'));
    dirs.push(dlc);
    mkdirSync(join(dlc, 'bin'));
    const started = join(dlc, 'started');
    const finished = join(dlc, 'finished');
    // A "utility" that says it has started, waits until its caller (the oeflow process that
    // spawned it) is dead, then prints (a closed pipe would kill it here) and records that it
    // got to the end. The wait is bounded so a broken test cannot hang.
    writeFileSync(
      join(dlc, 'bin', 'rfutil'),
      [
        '#!/bin/sh',
        'echo "$PPID" > "$1.tmp" && mv "$1.tmp" "$1"',
        'i=0',
        'while kill -0 "$PPID" 2>/dev/null && [ "$i" -lt 600 ]; do sleep 0.05; i=$((i+1)); done',
        'kill -0 "$PPID" 2>/dev/null && exit 3',
        'echo "applied"',
        'echo "done (451)"',
        'touch "$2"',
        '',
      ].join('\n'),
    );
    chmodSync(join(dlc, 'bin', 'rfutil'), 0o755);
    const caller = execa(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { runTool } from ${JSON.stringify(RUNNER)}; await runTool(${JSON.stringify(dlc)}, 'rfutil', ${JSON.stringify([started, finished])});`,
      ],
      { reject: false },
    );
    // the signal: the utility itself reports that it runs, with its parent's pid
    expect(await appears(started, 30_000)).toBe(true);
    expect(Number(readFileSync(started, 'utf8'))).toBe(caller.pid);
    caller.kill('SIGKILL');
    const ended = await caller;
    expect(ended.signal).toBe('SIGKILL');
    expect(await appears(finished, 30_000)).toBe(true);
  }, 70_000);
});
