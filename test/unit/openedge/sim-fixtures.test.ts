// The parsers on output captured from the simulator (test/fixtures/openedge/sim-*.txt).
import { describe, expect, it } from 'vitest';
import { parseMessages } from '../../../src/openedge/messages.js';
import { parseAimageList } from '../../../src/openedge/parse-aimage-list.js';
import { parseAimageScan } from '../../../src/openedge/parse-aimage-scan.js';
import { parseDescribe } from '../../../src/openedge/parse-describe.js';
import { rollForwardLogState } from '../../../src/openedge/parse-lg.js';
import { parseSt, stFiles } from '../../../src/openedge/st-file.js';
import { fixture } from './helpers.js';

describe('parsers on simulator output', () => {
  it('reads the busy extent and empty ones when given sim aimage list', () => {
    const e = parseAimageList(fixture('sim-aimage-list.txt'));
    expect(e.map((x) => [x.extent, x.status, x.seqno])).toEqual([
      [1, 'Busy', 1],
      [2, 'Empty', 0],
      [3, 'Empty', 0],
      [4, 'Empty', 0],
    ]);
  });

  it('reads AI on, no archiver, no replication when given sim describe', () => {
    expect(parseDescribe(fixture('sim-describe.txt'))).toMatchObject({
      databaseName: '/tmp/oefx1/db/sports',
      aiEnabled: true,
      aiBeginDate: 'Wed Nov 25 14:21:21 2026',
      lastAimageNew: null,
      currentAiFileNumber: 1,
      replication: null,
      aiArchiver: false,
    });
  });

  it('reads the header when given sim aimage scan without a 1641 line', () => {
    expect(parseAimageScan('/a1', parseMessages(fixture('sim-aimage-scan.txt')))).toEqual({
      path: '/a1',
      seqno: 1,
      aiBeginDate: 'Wed Nov 25 14:21:21 2026',
      aiNewDate: null,
      lastOpenedDate: 'Wed Nov 25 14:21:21 2026',
    });
  });

  it('throws OEF-013 when given sim scan of a non-AI file', () => {
    expect(() => parseAimageScan('/x.db', parseMessages(fixture('sim-aimage-scan-not-ai.txt')))).toThrow(
      /no AI header/,
    );
  });

  it('reads the failure numbers in order when given a sim first roll forward on the wrong file', () => {
    expect(parseMessages(fixture('sim-rf-wrong-seq.txt')).map((m) => m.number)).toEqual([
      663, 648, 659, 13292, 846, 8019, 833, 11014,
    ]);
  });

  it('reads 12428 when given sim sequence output', () => {
    expect(parseMessages(fixture('sim-sequence.txt'))).toEqual([{ number: 12428, text: 'Ai sequence 2 changed to 3' }]);
  });

  it('marks the file completed when given the sim .lg of a successful roll forward', () => {
    expect(rollForwardLogState(fixture('sim-rf.lg.txt'))).toEqual({
      files: [
        { path: '/tmp/oefx1/db/sports.a3', begunAt: '2026-11-25T14:21:53.535+00:00', completed: true, failedWith: [] },
      ],
      lastIncomplete: false,
    });
  });

  it('reads quiet point and shutdown message numbers when given sim proquiet/proshut output', () => {
    expect(parseMessages(fixture('sim-quiet-enable.txt')).map((m) => m.number)).toEqual([5583]);
    expect(parseMessages(fixture('sim-proshut-by.txt')).map((m) => m.number)).toEqual([1613, 1614]);
  });
});

describe('parseSt on simulator output', () => {
  it('reads every extent of the sim database when given the .st prostrct list wrote', () => {
    const files = stFiles(parseSt(fixture('sim-sports.st.txt')));
    expect(files.filter((f) => /\.a\d+$/.test(f))).toHaveLength(4);
    expect(files[0]).toMatch(/sports\.b1$/);
  });
});
