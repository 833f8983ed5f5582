import { describe, expect, it } from 'vitest';
import { isOeflowError } from '../../../src/errors.js';
import { parseAimageList } from '../../../src/openedge/parse-aimage-list.js';
import { fixture } from './helpers.js';

describe('parseAimageList', () => {
  it('reads every extent block when given the ProTop 11.7.2 output', () => {
    const extents = parseAimageList(fixture('facts-aimage-list-protop.txt'));
    expect(extents).toHaveLength(3);
    expect(extents[2]).toEqual({
      extent: 3,
      status: 'Busy',
      type: 'Variable Length',
      path: '/home/tom/tmp/s2k.a3',
      sizeKb: 120,
      usedKb: 7,
      start: 'Thu Jun 14 14:51:42 2018',
      lastOp: null,
      seqno: 15,
    });
    expect(extents.map((e) => e.status)).toEqual(['Empty', 'Empty', 'Busy']);
  });

  it('returns no extents when only the banner is printed (AI disabled)', () => {
    expect(parseAimageList('OpenEdge Release 11.7.2 as of Tue Oct 24 18:20:59 EDT 2017\n\n')).toEqual([]);
  });

  it('accepts blocks without LastOp and upper-case status when the release predates 11.7', () => {
    const text =
      'Extent:  1\nStatus:  FULL\n  Type:  Fixed Length\n  Path:  /db/x.a1\n  Size:  512\n  Used:  512\n Start:  Mon Dec 10 13:05:26 2012\n Seqno:  4\n';
    expect(parseAimageList(text)).toEqual([
      {
        extent: 1,
        status: 'Full',
        type: 'Fixed Length',
        path: '/db/x.a1',
        sizeKb: 512,
        usedKb: 512,
        start: 'Mon Dec 10 13:05:26 2012',
        lastOp: null,
        seqno: 4,
      },
    ]);
  });

  it('throws OEF-013 when a status is not one of the five states', () => {
    let caught: unknown;
    try {
      parseAimageList('Extent:  1\nStatus:  Weird\n  Path:  /x\n  Size:  1\n Seqno:  1\n');
    } catch (e) {
      caught = e;
    }
    expect(isOeflowError(caught, 'OEF-013')).toBe(true);
  });

  it('throws OEF-013 when a block lacks its Seqno line', () => {
    expect(() => parseAimageList('Extent:  1\nStatus:  Busy\n  Path:  /x\n  Size:  1\n')).toThrow(/Seqno/);
  });
});
