import { describe, expect, it } from 'vitest';
import { isOeflowError } from '../../../src/errors.js';
import { parseBusy, parseHolder } from '../../../src/openedge/parse-busy.js';
import { resultFrom } from './helpers.js';

describe('parseBusy', () => {
  it('maps the documented exit codes 0/6/64 regardless of stdout', () => {
    expect(parseBusy(resultFrom('anything', 0))).toBe('not-in-use');
    expect(parseBusy(resultFrom('** The database /x is in use in multi-user mode. (276)', 6))).toBe('in-use');
    expect(parseBusy(resultFrom('', 64))).toBe('starting');
  });

  it('throws OEF-013 with the run when the exit code is undocumented', () => {
    let caught: unknown;
    try {
      parseBusy(resultFrom('boom', 2));
    } catch (e) {
      caught = e;
    }
    expect(isOeflowError(caught, 'OEF-013')).toBe(true);
    expect(isOeflowError(caught) && (caught.details.result as { stdout: string }).stdout).toBe('boom');
  });
});

describe('parseHolder', () => {
  it('maps the documented exit codes 0/14/16', () => {
    expect(parseHolder(resultFrom('', 0))).toBe('not-in-use');
    expect(parseHolder(resultFrom('', 14))).toBe('single-user');
    expect(parseHolder(resultFrom('', 16))).toBe('multi-user');
  });

  it('throws OEF-013 when the utility was killed by a signal', () => {
    expect(() => parseHolder({ ...resultFrom('', null), signal: 'SIGKILL' })).toThrow(/ended by SIGKILL/);
  });

  it('throws OEF-013 when busy’s 6 is given to holder', () => {
    expect(() => parseHolder(resultFrom('', 6))).toThrow(/0\/14\/16/);
  });
});
