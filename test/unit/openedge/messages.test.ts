import { describe, expect, it } from 'vitest';
import { hasMessage, messagesIn, parseMessages, ROLL_FORWARD_FAILURES } from '../../../src/openedge/messages.js';
import { fixture, resultFrom } from './helpers.js';

describe('parseMessages', () => {
  it('finds every numbered message in order when given the 831–833 roll-forward failure', () => {
    const msgs = parseMessages(fixture('facts-rf-fail-831-833.txt'));
    expect(msgs.map((m) => m.number)).toEqual([831, 832, 833, 11014]);
    expect(msgs[0]?.text).toBe('** The database was last changed Thu May 27 21:13:10 2010.');
    expect(msgs[3]?.text).toBe('roll forward open D:\\int_bkp\\CopyAI\\medman.a4 error: -1.');
  });

  it('reads the five AI-disabled warnings when given the first roll forward output', () => {
    expect(parseMessages(fixture('facts-rf-first-warning.txt')).map((m) => m.number)).toEqual([
      663, 648, 659, 13292, 846,
    ]);
  });

  it('reads the header numbers when given indented aimage scan lines', () => {
    const msgs = parseMessages(fixture('facts-aimage-scan-header.txt'));
    expect(msgs.map((m) => m.number)).toEqual([1640, 1641, 1642, 1643, 1634, 3785, 1635, 11138, 1636]);
    expect(msgs[2]?.text).toBe('This is aimage file number 59926 since the last AIMAGE BEGIN.');
  });

  it('reads the leading number when given a database-log line', () => {
    const msgs = parseMessages(
      '[2016/05/12@14:03:52.486+0400] P-1 T-1 I RFUTI1312: (12428) Ai sequence 1 changed to 1229',
    );
    expect(msgs).toEqual([{ number: 12428, text: 'Ai sequence 1 changed to 1229' }]);
  });

  it('ignores banners, blank lines and unnumbered log lines when no number is present', () => {
    expect(
      parseMessages(
        'OpenEdge Release 11.7.2 as of Tue Oct 24 18:20:59 EDT 2017\n\n[2016/05/12@14:03:52.486+0400] P-1 T-1 I SHUT 2146: (-----) User 7775 disconnect initiated',
      ),
    ).toEqual([]);
  });
});

describe('hasMessage', () => {
  it('tells whether a number was printed when classifying a result', () => {
    const r = resultFrom(fixture('facts-rf-fail-8019.txt'), 1);
    expect(hasMessage(r, 8019)).toBe(true);
    expect(hasMessage(r, 831)).toBe(false);
    expect(messagesIn(r, ROLL_FORWARD_FAILURES)).toEqual([8019, 833, 11014]);
  });
});
