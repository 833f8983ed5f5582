import { describe, expect, it } from 'vitest';
import { toEndtime } from '../../../src/aichain/endtime.js';

describe('toEndtime', () => {
  it('formats a Date in local time as yyyy:mm:dd:hh:mm:ss', () => {
    expect(toEndtime(new Date(2002, 6, 18, 17, 10, 0))).toBe('2002:07:18:17:10:00');
  });

  it('converts an ISO time with an offset or Z to local time', () => {
    const at = new Date(Date.UTC(2024, 4, 1, 7, 8, 9));
    expect(toEndtime('2024-05-01T07:08:09Z')).toBe(toEndtime(at));
    expect(toEndtime('2024-05-01T09:08:09+02:00')).toBe(toEndtime(at));
  });

  it("refuses a date alone or an ISO time without offset: they mean UTC or nothing, not the operator's clock", () => {
    expect(() => toEndtime('2024-05-01')).toThrow(/not an unambiguous time/);
    expect(() => toEndtime('2024-05-01T07:08:09')).toThrow(/not an unambiguous time/);
  });

  it('passes a valid endtime string through unchanged', () => {
    expect(toEndtime('2021:08:16:14:56:00')).toBe('2021:08:16:14:56:00');
  });

  it('throws OEF-001 when the endtime names an impossible date', () => {
    expect(() => toEndtime('2021:13:40:14:56:00')).toThrow(/not an unambiguous time/);
  });

  it('throws OEF-001 when the text is not a time', () => {
    expect(() => toEndtime('yesterday')).toThrow(/not an unambiguous time/);
  });
});
