import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOeflowError } from '../../../src/errors.js';
import { runTool } from '../../../src/openedge/runner.js';
import { fakeDlc, fixture } from './helpers.js';

describe('runTool', () => {
  it('returns a non-zero exit as a result with parsed messages when the utility fails', async () => {
    const { dlc, calls } = fakeDlc({ rfutil: { stdout: fixture('facts-rf-fail-831-833.txt'), exitCode: 1 } });
    const r = await runTool(dlc, 'rfutil', ['/db/x', '-C', 'roll', 'forward', '-a', '/ai/x a4']);
    expect(r).toMatchObject({
      utility: 'rfutil',
      exitCode: 1,
      signal: null,
      cancelled: false,
      argv: ['/db/x', '-C', 'roll', 'forward', '-a', '/ai/x a4'],
    });
    expect(r.messages.map((m) => m.number)).toEqual([831, 832, 833, 11014]);
    expect(calls()[0]?.argv).toEqual(['/db/x', '-C', 'roll', 'forward', '-a', '/ai/x a4']);
  });

  it('reads an output of any length whole (here 300 KB with multibyte text) and an empty one as empty', async () => {
    const line = 'Ligne traitée de l’extension AI (12345)\n';
    const long = line.repeat(Math.ceil(300_000 / line.length));
    const { dlc } = fakeDlc({ rfutil: { stdout: long } });
    const r = await runTool(dlc, 'rfutil', ['/db/x', '-C', 'aimage', 'scan', '-a', '/ai/x']);
    expect(r.stdout).toBe(long.replace(/\n$/, ''));
    expect(r.stderr).toBe('');
  });

  it('runs with DLC and the C locale when the caller has another locale', async () => {
    const { dlc, calls } = fakeDlc({ proutil: {} });
    await runTool(dlc, 'proutil', ['x'], { env: { LANG: 'es_ES.UTF-8', DLC: '/other' } });
    expect(calls()[0]?.env).toMatchObject({ DLC: dlc, LANG: 'C', LC_ALL: 'C' });
  });

  it('sets PROMSGS to $DLC/promsgs (English messages) when the caller has none', async () => {
    const saved = process.env.PROMSGS;
    delete process.env.PROMSGS;
    try {
      const { dlc, calls } = fakeDlc({ proutil: {} });
      await runTool(dlc, 'proutil', ['x']);
      await runTool(dlc, 'proutil', ['x'], { env: { PROMSGS: '' } });
      expect(calls().map((c) => c.env.PROMSGS)).toEqual([path.join(dlc, 'promsgs'), path.join(dlc, 'promsgs')]);
    } finally {
      if (saved !== undefined) process.env.PROMSGS = saved;
    }
  });

  it('keeps the PROMSGS the caller set', async () => {
    const { dlc, calls } = fakeDlc({ proutil: {} });
    await runTool(dlc, 'proutil', ['x'], { env: { PROMSGS: '/opt/dlc/prolang/ger/promsgs.ger' } });
    expect(calls()[0]?.env.PROMSGS).toBe('/opt/dlc/prolang/ger/promsgs.ger');
  });

  it('throws OEF-012 when the utility does not exist', async () => {
    const { dlc } = fakeDlc({});
    let caught: unknown;
    try {
      await runTool(dlc, 'prostrct', ['list', 'x']);
    } catch (e) {
      caught = e;
    }
    expect(isOeflowError(caught, 'OEF-012')).toBe(true);
    expect(isOeflowError(caught) && caught.details.code).toBe('ENOENT');
  });

  it('marks the result cancelled when the signal aborts a hanging utility', async () => {
    const { dlc } = fakeDlc({ proquiet: { sleepSeconds: 30 } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await runTool(dlc, 'proquiet', ['x', 'enable'], { signal: ac.signal });
    expect(r.cancelled).toBe(true);
    expect(r.exitCode).toBeNull();
  });

  it('marks the result cancelled when the timeout elapses', async () => {
    const { dlc } = fakeDlc({ proshut: { sleepSeconds: 30 } });
    const r = await runTool(dlc, 'proshut', ['x', '-by'], { timeoutMs: 200 });
    expect(r).toMatchObject({ cancelled: true, signal: 'SIGTERM' });
  });
});
