import { describe, expect, it } from 'vitest';
import { parseMessages } from '../../../src/openedge/messages.js';
import { normalizeCtime, parseAimageScan } from '../../../src/openedge/parse-aimage-scan.js';
import { fixture } from './helpers.js';

describe('parseAimageScan', () => {
  it('reads sequence and dates by message number when given the real scan header', () => {
    expect(parseAimageScan('/ai/x.a1', parseMessages(fixture('facts-aimage-scan-header.txt')))).toEqual({
      path: '/ai/x.a1',
      seqno: 59926,
      aiBeginDate: 'Thu Jun 17 21:44:19 2010',
      aiNewDate: 'Sat Nov 30 08:00:01 2013',
      lastOpenedDate: 'Sat Nov 30 08:00:01 2013',
    });
  });

  it('leaves the optional dates null when only 1640 and 1642 are printed', () => {
    const h = parseAimageScan(
      '/ai/y',
      parseMessages(
        'Last AIMAGE BEGIN Tue Feb  3 10:20:44 2009 (1640)\nThis is aimage file number 7 since the last AIMAGE BEGIN. (1642)',
      ),
    );
    expect(h).toMatchObject({
      seqno: 7,
      aiBeginDate: 'Tue Feb 3 10:20:44 2009',
      aiNewDate: null,
      lastOpenedDate: null,
    });
  });

  it('throws OEF-013 when the output has no AI header', () => {
    expect(() => parseAimageScan('/etc/passwd', parseMessages(fixture('facts-rf-fail-8019.txt')))).toThrow(
      /no AI header/,
    );
  });
});

describe('normalizeCtime', () => {
  it('collapses the double space of single-digit days when comparing dates', () => {
    expect(normalizeCtime(' Tue Feb  3 10:20:44 2009 ')).toBe('Tue Feb 3 10:20:44 2009');
  });
});
