import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_QUIET_RANGE_MS, parseMaxQuiet } from '../../../src/cli/duration.js';
import { OeflowError } from '../../../src/errors.js';

function refusal(text: string): string {
  try {
    parseMaxQuiet(text);
  } catch (err) {
    expect(err).toBeInstanceOf(OeflowError);
    return (err as OeflowError).code;
  }
  return 'accepted';
}

describe('parseMaxQuiet', () => {
  it('accepts durations from 1s to 24h', () => {
    expect(parseMaxQuiet('1s')).toBe(MAX_QUIET_RANGE_MS.min);
    expect(parseMaxQuiet('5m')).toBe(300_000);
    expect(parseMaxQuiet('24h')).toBe(MAX_QUIET_RANGE_MS.max);
  });

  it('refuses an empty value, 0, too long a one and an absurd one with OEF-001', () => {
    for (const text of ['', ' ', '0', '999ms', '600h', '99999999999h'])
      expect({ text, code: refusal(text) }).toEqual({ text, code: 'OEF-001' });
  });
});

describe('formatDuration', () => {
  it('writes milliseconds, seconds with a decimal, then at most two units', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4m5s');
    expect(formatDuration(2 * 86_400_000 + 7 * 3_600_000 + 5_000)).toBe('2d7h');
  });
});
