// Per-database startup parameters: which call takes which (pure), the passphrase file rules,
// and createTools against an encrypted simulated database (passphrase on stdin, never in argv).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { passphraseFromEnv, readPassphraseFile } from '../../../src/config/passphrase.js';
import { isOeflowError, type OeflowError } from '../../../src/errors.js';
import { createTools } from '../../../src/openedge/create-tools.js';
import type { ToolResult } from '../../../src/openedge/types.js';
import { PASSPHRASE_NOTE, paramsFor } from '../../../src/openedge/utility-params.js';
import { useSim } from '../../helpers/sim.js';

const all = { passphrase: 'pp', cpinternal: 'ISO8859-1', cpstream: 'UTF-8', tempDir: '/scratch' };

describe('paramsFor', () => {
  it('gives each utility the parameters it takes, the passphrase only on stdin', () => {
    const rf = paramsFor('rfutil', ['/db/x', '-C', 'aimage', 'list'], all);
    expect(rf).toEqual({
      args: ['-cpinternal', 'ISO8859-1', '-cpstream', 'UTF-8', '-T', '/scratch', '-Passphrase'],
      stdin: { text: 'pp\n', note: PASSPHRASE_NOTE },
    });
    expect(paramsFor('proserve', ['/db/x'], all).args).toContain('-Passphrase');
    expect(paramsFor('prostrct', ['repair', '/db/x', '/x.st'], all)).toMatchObject({ args: ['-Passphrase'] });
    // busy/holder read only the lock file; proshut and proquiet reach the broker
    expect(paramsFor('proutil', ['/db/x', '-C', 'busy'], all)).toEqual({
      args: ['-cpinternal', 'ISO8859-1', '-cpstream', 'UTF-8', '-T', '/scratch'],
    });
    expect(paramsFor('proutil', ['/db/x', '-C', 'describe'], all).args).toContain('-Passphrase');
    expect(paramsFor('proshut', ['/db/x', '-by'], all)).toEqual({
      args: ['-cpinternal', 'ISO8859-1', '-cpstream', 'UTF-8'],
    });
    expect(paramsFor('proquiet', ['/db/x', 'enable'], all)).toEqual({ args: [] });
    expect(paramsFor('rfutil', ['/db/x', '-C', 'sequence'], {})).toEqual({ args: [] });
  });
});

describe('the passphrase file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const file = (text: string, mode: number): string => {
    const dir = mkdtempSync(join(tmpdir(), 'oeflow-pp-'));
    dirs.push(dir);
    const f = join(dir, 'pp');
    writeFileSync(f, text);
    chmodSync(f, mode);
    return f;
  };
  const refusal = (fn: () => unknown): OeflowError => {
    try {
      fn();
    } catch (err) {
      if (isOeflowError(err)) return err;
      throw err;
    }
    throw new Error('not refused');
  };

  it('is the first line of a file only its owner can read; anything else is OEF-123', () => {
    expect(readPassphraseFile(file('open sesame\nignored\n', 0o600))).toBe('open sesame');
    const readable = refusal(() => readPassphraseFile(file('open sesame\n', 0o644)));
    expect(readable.code).toBe('OEF-123');
    expect(readable.message).toContain('readable by every user');
    expect(refusal(() => readPassphraseFile(file('\n', 0o600))).code).toBe('OEF-123');
    expect(refusal(() => readPassphraseFile('/no/such/passphrase')).code).toBe('OEF-123');
    expect(passphraseFromEnv('open sesame\n')).toBe('open sesame');
    expect(refusal(() => passphraseFromEnv('two\nlines')).code).toBe('OEF-123');
  });
});

describe('createTools on an encrypted database', () => {
  const newSim = useSim();
  const SECRET = 'unit-secret-7f3c';

  it('passes -Passphrase with the passphrase on stdin; without it OEF-124, a wrong one OEF-125, the value never in a result', async () => {
    const sim = newSim({ passphrase: SECRET });
    const seen: ToolResult[] = [];
    const code = async (p: Parameters<typeof createTools>[0]['params']): Promise<string> => {
      try {
        await createTools({ dlc: sim.dlc, onResult: (r) => seen.push(r), ...(p ? { params: p } : {}) }).aimageList(
          sim.db,
        );
        return 'ok';
      } catch (err) {
        return isOeflowError(err) ? err.code : String(err);
      }
    };
    const before = sim.hashDir();
    expect(await code(undefined)).toBe('OEF-124');
    expect(await code({ passphrase: 'wrong' })).toBe('OEF-125');
    expect(sim.hashDir()).toBe(before);
    expect(await code({ passphrase: SECRET, cpinternal: 'UTF-8' })).toBe('ok');
    const ok = seen.at(-1)!;
    expect(ok.argv).toEqual([sim.db, '-C', 'aimage', 'list', '-cpinternal', 'UTF-8', '-Passphrase']);
    expect(ok.stdin).toBe(PASSPHRASE_NOTE);
    expect(JSON.stringify(seen)).not.toContain(SECRET);
    // calls that do not open the database get no -Passphrase and need none
    const tools = createTools({ dlc: sim.dlc, params: { passphrase: SECRET } });
    expect((await tools.busy(sim.db)).result.argv).toEqual([sim.db, '-C', 'busy']);
  });
});
