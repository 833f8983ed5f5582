import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveStatePath } from '../../../src/store/index.js';
import { tempDir } from './helpers.js';

describe('resolveStatePath', () => {
  let root: string;
  let cleanup: () => void;
  let home: string;
  let checkout: string;
  let deep: string;
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir());
    home = join(root, 'home');
    checkout = join(root, 'src', 'oeflow');
    deep = join(checkout, 'packages', 'thing', 'sub');
    mkdirSync(home, { recursive: true });
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(checkout, 'package.json'), JSON.stringify({ name: 'oeflow' }));
    // A nearer package.json with another name must be skipped.
    writeFileSync(join(checkout, 'packages', 'thing', 'package.json'), JSON.stringify({ name: 'thing' }));
  });
  afterEach(() => cleanup());

  it('uses the flag over the env and resolves it against cwd when both are given', () => {
    const p = resolveStatePath({ flag: 'flag/s.db', env: join(root, 'env', 'e.db'), cwd: root, home });
    expect(p).toBe(join(root, 'flag', 's.db'));
    expect(existsSync(join(root, 'flag'))).toBe(true);
    expect(existsSync(join(root, 'env'))).toBe(false);
  });

  it('uses the env when there is no flag', () => {
    expect(resolveStatePath({ env: join(root, 'env', 'e.db'), cwd: deep, home })).toBe(join(root, 'env', 'e.db'));
    expect(resolveStatePath({ flag: '', env: join(root, 'env', 'e.db'), cwd: deep, home })).toBe(
      join(root, 'env', 'e.db'),
    );
  });

  it('uses ~/.oeflow/oeflow.db otherwise, even inside an oeflow checkout (the store never depends on the current directory)', () => {
    expect(resolveStatePath({ env: '', cwd: deep, home })).toBe(join(home, '.oeflow', 'oeflow.db'));
    expect(existsSync(join(checkout, 'state'))).toBe(false);
    expect(existsSync(join(home, '.oeflow'))).toBe(true);
    expect(resolveStatePath({ cwd: root, home })).toBe(join(home, '.oeflow', 'oeflow.db'));
  });

  it('passes :memory: through untouched when it is the flag', () => {
    expect(resolveStatePath({ flag: ':memory:', cwd: root, home })).toBe(':memory:');
  });
});
