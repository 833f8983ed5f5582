import { describe, expect, it } from 'vitest';
import { parseArchiverName } from '../../../src/aichain/archiver-name.js';

describe('parseArchiverName', () => {
  it('reads the parts when given the docs/openedge.md §7 example with a backup sequence', () => {
    expect(parseArchiverName('aiarc~dbname.20080728.101732.00004.00000006.dbname.a1')).toEqual({
      db: 'dbname',
      startDate: '20080728',
      startTime: '101732',
      backupSeq: 4,
      aiSeq: 6,
      extentName: 'dbname.a1',
    });
  });

  it('reads the 10.1C02+ form when the backup sequence is absent', () => {
    expect(parseArchiverName('aiarc~db.20080728.101732.00000012.db.a3')).toMatchObject({
      backupSeq: null,
      aiSeq: 12,
      extentName: 'db.a3',
    });
  });

  it('returns null when the name is a plain extent', () => {
    expect(parseArchiverName('sports.a1')).toBeNull();
  });
});
