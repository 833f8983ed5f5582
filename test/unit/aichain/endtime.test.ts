import { describe, expect, it } from 'vitest';
import { toEndtime } from '../../../src/aichain/endtime.js';

describe('toEndtime', () => {
  it('formats a Date in local time as yyyy:mm:dd:hh:mm:ss', () => {
    expect(toEndtime(new Date(2002, 6, 18, 17, 10, 0))).toBe('2002:07:18:17:10:00');
  });

  it('accepts an ISO string without offset as local time', () => {
    expect(toEndtime('2024-05-01T07:08:09')).toBe('2024:05:01:07:08:09');
  });

  it('passes a valid endtime string through unchanged', () => {
    expect(toEndtime('2021:08:16:14:56:00')).toBe('2021:08:16:14:56:00');
  });

  it('throws OEF-001 when the endtime names an impossible date', () => {
    expect(() => toEndtime('2021:13:40:14:56:00')).toThrow(/not a valid time/);
  });

  it('throws OEF-001 when the text is not a time', () => {
    expect(() => toEndtime('yesterday')).toThrow(/not a valid time/);
  });
});
