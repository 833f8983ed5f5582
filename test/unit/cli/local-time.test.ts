import { afterEach, describe, expect, it } from 'vitest';
import { localIsoTime, localTime } from '../../../src/cli/local-time.js';

const saved = process.env['TZ'];
afterEach(() => {
  if (saved === undefined) delete process.env['TZ'];
  else process.env['TZ'] = saved;
});

describe('localTime', () => {
  it('writes the local time with its zone, as the OpenEdge .lg does', () => {
    process.env['TZ'] = 'Europe/Berlin';
    expect(localTime('2026-12-01T06:12:03.000Z')).toBe('2026-12-01 07:12:03 GMT+1');
    expect(localTime('2026-07-01T06:12:03.000Z')).toBe('2026-07-01 08:12:03 GMT+2');
    process.env['TZ'] = 'UTC';
    expect(localTime('2026-12-01T06:12:03.000Z')).toBe('2026-12-01 06:12:03 UTC');
    // a zone at offset 0 that is not UTC keeps its own name (UTC is named without Intl)
    process.env['TZ'] = 'Europe/London';
    expect(localTime('2026-12-01T06:12:03.000Z')).toBe('2026-12-01 06:12:03 GMT');
    process.env['TZ'] = 'Etc/UTC';
    expect(localTime('2026-12-01T06:12:03.000Z')).toBe('2026-12-01 06:12:03 UTC');
  });

  it('writes log timestamps as local ISO 8601 with the offset', () => {
    process.env['TZ'] = 'America/New_York';
    expect(localIsoTime(new Date('2026-12-01T06:12:03.045Z'))).toBe('2026-12-01T01:12:03.045-05:00');
  });
});
