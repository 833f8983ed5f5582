import { describe, expect, it } from 'vitest';
import { compareSt, resolveExtentPaths } from '../../../src/openedge/st-extents.js';
import { parseSt, stFiles } from '../../../src/openedge/st-file.js';
import { expectOeflowError } from '../store/helpers.js';
import { fixture } from './helpers.js';

// A fake filesystem: the set of existing files, each its own real path.
const fs =
  (...files: string[]) =>
  (p: string): string | null =>
    files.includes(p) ? p : null;

describe('resolveExtentPaths', () => {
  it('keeps absolute paths and resolves ./ paths against the database directory when only that file exists', () => {
    const st = parseSt(fixture('facts-st-prostrct-list.txt'));
    const out = resolveExtentPaths(st, {
      dbDir: '/db',
      cwd: '/home/op',
      realPath: fs('/db/sports.b1', '/db/sports.d1', '/db/sports_7.d1', '/db/sports.a1'),
    });
    expect(stFiles(out)).toEqual(['/db/sports.b1', '/db/sports.d1', '/db/sports_7.d1', '/db/sports.a1']);
  });

  it('resolves against the working directory when the file is there, as OpenEdge does', () => {
    const out = resolveExtentPaths(parseSt('b x/sports.b1\n'), {
      dbDir: '/db',
      cwd: '/data',
      realPath: fs('/data/x/sports.b1'),
    });
    expect(stFiles(out)).toEqual(['/data/x/sports.b1']);
  });

  it('refuses with OEF-306 when a relative path exists nowhere', () => {
    expectOeflowError(
      () =>
        resolveExtentPaths(parseSt('d "Data":7,64;8 ./gone_7.d1\n'), { dbDir: '/db', cwd: '/home/op', realPath: fs() }),
      'OEF-306',
      1,
    );
  });

  it('refuses with OEF-306 when a relative path names different files from the working and database directories', () => {
    expectOeflowError(
      () =>
        resolveExtentPaths(parseSt('b ./sports.b1\n'), {
          dbDir: '/db',
          cwd: '/old',
          realPath: fs('/db/sports.b1', '/old/sports.b1'),
        }),
      'OEF-306',
      1,
    );
  });
});

describe('compareSt', () => {
  it('names the data extent the on-disk .st lacks and the one only it names', () => {
    const listed = parseSt('b /db/s.b1\nd "Schema Area":6,32;1 /db/s.d1\nd "Data Area":7,64;8 /db/s_7.d1\n');
    const onDisk = parseSt('b ./s.b1\nd "Schema Area":6,32;1 /db/s.d1\n#\na /db/s.a9\n');
    expect(compareSt(listed, onDisk, '/db')).toEqual({ onlyListed: ['/db/s_7.d1'], onlyOnDisk: ['/db/s.a9'] });
  });

  it('finds no difference when both name the same extents', () => {
    const st = parseSt('b /db/s.b1\nd "Schema Area":6,32;1 /db/s.d1\n');
    expect(compareSt(st, st, '/db')).toEqual({ onlyListed: [], onlyOnDisk: [] });
  });
});
