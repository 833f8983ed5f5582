// Test helpers for the openedge layer: fixture text and a fake $DLC whose utilities are
// real executables (fixture processes, docs/architecture.md §9.14) that print a file and exit with a code.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ToolResult } from '../../../src/openedge/types.js';
import { parseMessages } from '../../../src/openedge/messages.js';
import { tempDir } from '../../helpers/temp-dir.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/openedge');

/** The text of `test/fixtures/openedge/<name>`. */
export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** A ToolResult as the runner would build it from `stdout` and `exitCode`. */
export function resultFrom(stdout: string, exitCode: number | null = 0, utility = 'rfutil'): ToolResult {
  return {
    utility,
    argv: [],
    exitCode,
    signal: null,
    durationMs: 1,
    stdout,
    stderr: '',
    messages: parseMessages(stdout),
    startedAt: '2024-01-01T00:00:00.000Z',
    cancelled: false,
  };
}

export interface FakeUtility {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  sleepSeconds?: number;
}

/** A temp $DLC whose bin/<utility> records its argv and env, prints, and exits as told. */
export function fakeDlc(utilities: Record<string, FakeUtility>): {
  dlc: string;
  calls: () => { utility: string; argv: string[]; env: Record<string, string> }[];
} {
  const dlc = tempDir('oeflow-fake-dlc-');
  mkdirSync(path.join(dlc, 'bin'));
  writeFileSync(path.join(dlc, 'version'), 'OpenEdge Release 11.7.2 as of Tue Oct 24 18:20:59 EDT 2017\n');
  const log = path.join(dlc, 'calls.jsonl');
  for (const [name, u] of Object.entries(utilities)) {
    const out = path.join(dlc, `${name}.out`);
    const err = path.join(dlc, `${name}.err`);
    writeFileSync(out, u.stdout ?? '');
    writeFileSync(err, u.stderr ?? '');
    const script = [
      '#!/usr/bin/env node',
      "const fs = require('node:fs');",
      `fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ utility: ${JSON.stringify(name)}, argv: process.argv.slice(2), env: { DLC: process.env.DLC, LANG: process.env.LANG, LC_ALL: process.env.LC_ALL, PROMSGS: process.env.PROMSGS, CWD: process.cwd() } }) + '\\n');`,
      `process.stdout.write(fs.readFileSync(${JSON.stringify(out)}));`,
      `process.stderr.write(fs.readFileSync(${JSON.stringify(err)}));`,
      u.sleepSeconds
        ? `setTimeout(() => process.exit(${u.exitCode ?? 0}), ${u.sleepSeconds * 1000});`
        : `process.exitCode = ${u.exitCode ?? 0};`,
    ].join('\n');
    const file = path.join(dlc, 'bin', name);
    writeFileSync(file, script);
    chmodSync(file, 0o755);
  }
  return {
    dlc,
    calls: () => {
      let text = '';
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        return [];
      }
      return text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { utility: string; argv: string[]; env: Record<string, string> });
    },
  };
}
