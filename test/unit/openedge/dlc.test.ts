import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOeflowError } from '../../../src/errors.js';
import { assertDbExists, dbPaths, discoverDlc } from '../../../src/openedge/dlc.js';
import { fakeDlc } from './helpers.js';
import { tempDir } from '../../helpers/temp-dir.js';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isOeflowError(e) ? e.code : 'not-oeflow';
  }
  return undefined;
}

describe('discoverDlc', () => {
  it('prefers the flag over $DLC and reads the version line when both are set', async () => {
    const { dlc } = fakeDlc({ rfutil: {} });
    await expect(discoverDlc({ flag: dlc, env: { DLC: '/nowhere' } })).resolves.toEqual({
      dlc,
      version: 'OpenEdge Release 11.7.2 as of Tue Oct 24 18:20:59 EDT 2017',
    });
  });

  it('throws OEF-010 when neither flag nor DLC is set', async () => {
    expect(await codeOf(discoverDlc({ env: {} }))).toBe('OEF-010');
  });

  it('throws OEF-010 when bin/rfutil is missing', async () => {
    const { dlc } = fakeDlc({ proutil: {} });
    expect(await codeOf(discoverDlc({ env: { DLC: dlc } }))).toBe('OEF-010');
  });
});

describe('dbPaths', () => {
  it('strips .db and resolves against cwd when given a relative name', () => {
    expect(dbPaths('sub/sports.db', '/work')).toEqual({
      db: '/work/sub/sports',
      dbFile: '/work/sub/sports.db',
      stFile: '/work/sub/sports.st',
      lkFile: '/work/sub/sports.lk',
      lgFile: '/work/sub/sports.lg',
      dir: '/work/sub',
      name: 'sports',
    });
  });
});

describe('assertDbExists', () => {
  it('resolves when the .db exists and throws OEF-011 when it does not', async () => {
    const dir = tempDir('oeflow-db-');
    writeFileSync(path.join(dir, 'x.db'), '');
    await expect(assertDbExists(path.join(dir, 'x'))).resolves.toMatchObject({ db: path.join(dir, 'x') });
    expect(await codeOf(assertDbExists(path.join(dir, 'y')))).toBe('OEF-011');
  });
});
