import { describe, expect, it } from 'vitest';
import { allAbsolute, formatSt, parseSt, rewriteStPaths, stFiles } from '../../../src/openedge/st-file.js';
import { fixture } from './helpers.js';

describe('parseSt', () => {
  it('reads types, areas, paths and sizes when given the docs largedb sample', () => {
    const st = parseSt(fixture('facts-st-largedb.txt'));
    expect(stFiles(st)).toEqual([
      'tests/largedb.b1',
      'tests/largedb.b2',
      'tests/largedb.d1',
      'tests/largedb.d2',
      'tests/largedb_7.d1',
      'tests/largedb_7.d2',
      'tests/largedb.a1',
      'tests/largedb.a2',
    ]);
    expect(st.lines[2]).toMatchObject({
      type: 'd',
      area: { name: 'Schema Area', number: 6, recordsPerBlock: 64 },
      size: { extentType: 'f', kb: 3145728 },
    });
    expect(st.lines[1]).not.toHaveProperty('size');
  });

  it('reads blocks per cluster when given prostrct list output', () => {
    const st = parseSt(fixture('facts-st-prostrct-list.txt'));
    expect(st.lines[2]).toMatchObject({
      area: { name: 'Info Area', number: 7, recordsPerBlock: 32, blocksPerCluster: 1 },
      path: './sports_7.d1',
    });
  });

  it('keeps comments and blank lines verbatim when writing back', () => {
    const text = '# generated\n\nb /db/x.b1\n* area\nd "Schema Area":6,64;1 /db/x.d1 f 1024\n: end\n';
    expect(formatSt(parseSt(text))).toBe(text);
  });

  it('reads a quoted path with spaces when the path is quoted', () => {
    expect(stFiles(parseSt('a "/data/my db/x.a1" f 1024\n'))).toEqual(['/data/my db/x.a1']);
  });

  it('throws OEF-013 naming the line when the type is unknown', () => {
    expect(() => parseSt('b /x.b1\nq /x.q1\n')).toThrow(/line 2/);
  });
});

describe('rewriteStPaths', () => {
  it('rewrites only the mapped extents and keeps area and size when restoring', () => {
    const st = rewriteStPaths(parseSt(fixture('facts-st-prostrct-list.txt')), (p) => p.replace('./', '/restore/'));
    expect(formatSt(st)).toBe(
      'b /restore/sports.b1\nd "Schema Area":6,32;1 /restore/sports.d1\nd "Info Area":7,32;1 /restore/sports_7.d1 f 320\na /restore/sports.a1\n',
    );
    expect(allAbsolute(st)).toBe(true);
  });
});

describe('allAbsolute', () => {
  it('is false when any extent path is relative', () => {
    expect(allAbsolute(parseSt('b /db/x.b1\nd ./x.d1\n'))).toBe(false);
  });
});

describe('parseSt area names', () => {
  it('reads a bare quoted area name when a path follows it', () => {
    expect(parseSt('d "Schema Area" /db/x.d1 f 1024\n').lines[0]).toMatchObject({
      area: { name: 'Schema Area' },
      path: '/db/x.d1',
    });
  });
});
