// Shared fixtures for the store tests: temp dirs, a raw SQL handle, error assertions,
// and a transpiled copy of src/store for child processes (Node 20 cannot run .ts).

import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect } from 'vitest';
import { isOeflowError, type ErrorCode, type ExitCodeValue, errorCodes } from '../../../src/errors.js';
import { openStore, type Store } from '../../../src/store/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'oeflow-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A store on a temp file, plus a raw connection to the same file for tampering and inspection. */
export function tempStore(options: Parameters<typeof openStore>[1] = {}): {
  store: Store;
  raw: Database.Database;
  path: string;
  dir: string;
  cleanup: () => void;
} {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'oeflow.db');
  const store = openStore(path, options);
  const raw = new Database(path);
  return {
    store,
    raw,
    path,
    dir,
    cleanup: () => {
      raw.close();
      store.close();
      cleanup();
    },
  };
}

/** Assert that `fn` throws an OeflowError with exactly this code (and its registered exit code). */
export function expectOeflowError(fn: () => unknown, code: ErrorCode, exitCode?: ExitCodeValue): Error {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${code} to be thrown`).toBeInstanceOf(Error);
  expect(isOeflowError(caught) ? caught.code : `not an OeflowError: ${String(caught)}`).toBe(code);
  if (isOeflowError(caught)) expect(caught.exitCode).toBe(exitCode ?? errorCodes[code].exitCode);
  return caught as Error;
}

export const sampleRun = {
  runId: 'run-1',
  machineId: 'offline-backup',
  machineHash: 'a'.repeat(64),
  db: '/db/sports',
  kind: 'offline-backup',
  input: { procedure: 'offline-backup', db: '/db/sports', to: '/backup' },
  host: 'host-a',
  pid: 4242,
};

/**
 * Transpile src/errors.ts and src/store/*.ts into a temp dir as ESM, so child processes
 * can import the real store. Returns the URL of its index.js and the cleanup.
 */
export function transpiledStore(): { indexUrl: string; dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir('oeflow-store-build-');
  const files = [
    'src/errors.ts',
    ...readdirSync(join(repoRoot, 'src/store'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `src/store/${f}`),
  ];
  for (const rel of files) {
    const out = ts.transpileModule(readFileSync(join(repoRoot, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: rel,
    });
    const target = join(dir, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { indexUrl: new URL(`file://${join(dir, 'src/store/index.js')}`).href, dir, cleanup };
}
