import { describe, expect, it } from 'vitest';
import { parseDescribe } from '../../../src/openedge/parse-describe.js';
import { fixture } from './helpers.js';

const features = (rows: string): string => `${fixture('facts-describe-12.5.txt').trimEnd()}\n${rows}\n`;

describe('parseDescribe', () => {
  it('reads the AI and backup fields when given the docs sample', () => {
    const d = parseDescribe(fixture('facts-describe-12.5.txt'));
    expect(d).toMatchObject({
      databaseName: '/usr1/dbs/sample_db',
      aiEnabled: true,
      aiBeginDate: 'Mon Dec 10 13:05:25 2012',
      lastAimageNew: 'Mon Dec 10 13:05:26 2012',
      currentAiFileNumber: 2,
      lastFullBackupDate: 'Mon Dec 10 13:05:17 2012',
      replication: null,
      aiArchiver: false,
    });
    expect(d.raw['Block Size']).toBe('8192');
    expect(d.raw['Before Imaging information / Cluster Size (16K Units)']).toBe('32');
    expect(d.raw['Backup Information / Last Incremental Backup']).toBe('*** Not yet performed ***');
  });

  it('reports AI disabled when the AI section is absent', () => {
    const text = fixture('facts-describe-12.5.txt').replace(
      / After Imaging Information[\s\S]*? Backup Information/,
      ' Backup Information',
    );
    expect(parseDescribe(text)).toMatchObject({ aiEnabled: false, aiBeginDate: null, currentAiFileNumber: null });
  });

  it('reports AI disabled when the AI section is present but blank', () => {
    const text = fixture('facts-describe-12.5.txt')
      .replace(/(Begin Date\s+:).*/, '$1')
      .replace(/(Last AIMAGE NEW\s+:).*/, '$1 *** Not yet performed ***');
    expect(parseDescribe(text)).toMatchObject({ aiEnabled: false, aiBeginDate: null, lastAimageNew: null });
  });

  it('reads replication role and AI archiver when the features table lists them active', () => {
    const d = parseDescribe(
      features(
        '     1  OpenEdge Replication               Yes     Target\n     7  AI Archiver                        Yes\n     9  64 Bit DBKEYS                      Yes',
      ),
    );
    expect(d.replication).toBe('target');
    expect(d.aiArchiver).toBe(true);
  });

  it('ignores features that are listed but not active', () => {
    const d = parseDescribe(
      features(
        '     1  OpenEdge Replication               No      Source\n     7  AI Archiver                        No',
      ),
    );
    expect(d.replication).toBeNull();
    expect(d.aiArchiver).toBe(false);
  });

  it('throws OEF-013 when replication is active without a readable role', () => {
    expect(() => parseDescribe(features('     1  OpenEdge Replication               Yes     ?'))).toThrow(
      /replication is active/,
    );
  });

  it('throws OEF-013 when the output is not a description', () => {
    expect(() =>
      parseDescribe(
        'OpenEdge Release 12.5 as of Tue Sep 14 07:48:40 EDT 2021\n** Cannot find or open file /x.db, errno = 2. (43)',
      ),
    ).toThrow(/Database Name/);
  });
});
