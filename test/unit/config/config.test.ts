// The configuration file: where it is found, what it may hold, how its values rank against the
// environment and the command line, and that every refusal names file, line and key.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, locateConfig, readConfig } from '../../../src/config/load.js';
import { effectiveSettings, findSection } from '../../../src/config/resolve.js';
import { OeflowError } from '../../../src/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'oeflow-config-'));
  dirs.push(d);
  return d;
}
function file(text: string, mode = 0o600): string {
  const f = join(tmp(), 'oeflow.conf');
  writeFileSync(f, text);
  chmodSync(f, mode);
  return f;
}
function refusal(f: () => unknown): OeflowError {
  try {
    f();
  } catch (err) {
    if (err instanceof OeflowError) return err;
    throw err;
  }
  throw new Error('not refused');
}

const SAMPLE = `store = "/var/lib/oeflow/oeflow.db"
repo = "/backup/oeflow"
max-quiet = "10m"

[db.sports]
path = "/db/sports"
max-quiet = "5m"
retain-count = 7
on-open-run = "abandon-if-safe"
`;

describe('locateConfig', () => {
  it('takes --config, then OEFLOW_CONFIG, then /etc/oeflow/oeflow.conf, then ~/.oeflow/oeflow.conf', () => {
    const home = tmp();
    const system = join(tmp(), 'oeflow.conf');
    const base = { env: {}, cwd: '/', home, systemFile: system };
    expect(locateConfig(base)).toBeNull();
    mkdirSync(join(home, '.oeflow'));
    writeFileSync(join(home, '.oeflow', 'oeflow.conf'), '');
    expect(locateConfig(base)).toBe(join(home, '.oeflow', 'oeflow.conf'));
    writeFileSync(system, '');
    expect(locateConfig(base)).toBe(system);
    const named = file('');
    expect(locateConfig({ ...base, env: { OEFLOW_CONFIG: named } })).toBe(named);
    expect(locateConfig({ ...base, flag: named, env: { OEFLOW_CONFIG: '/nowhere' } })).toBe(named);
  });

  it('refuses a named file that does not exist (OEF-122)', () => {
    const err = refusal(() => locateConfig({ flag: '/no/such/oeflow.conf', env: {}, cwd: '/' }));
    expect(err.code).toBe('OEF-122');
    expect(err.exitCode).toBe(2);
  });
});

describe('readConfig', () => {
  it('reads global keys and [db.<name>] sections with their lines', () => {
    const c = readConfig(file(SAMPLE));
    expect(c.global.get('repo')).toEqual({ value: '/backup/oeflow', line: 2 });
    expect(c.dbs.get('sports')!.entries.get('retain-count')).toEqual({ value: 7, line: 8 });
  });

  it.each([
    { text: 'repo = "/b"\nrepoo = "/c"\n', line: 2, key: 'repoo', reason: 'unknown key' },
    {
      text: '[db.sports]\npath = "/db/sports"\nmax-quiet = "soon"\n',
      line: 3,
      key: 'db.sports.max-quiet',
      reason: 'not a duration',
    },
    {
      text: '[db.sports]\npath = "/db/sports"\nretain-count = 0\n',
      line: 3,
      key: 'db.sports.retain-count',
      reason: 'at least 1',
    },
    {
      text: '[db.sports]\npath = "/db/sports"\non-open-run = "ignore"\n',
      line: 3,
      key: 'db.sports.on-open-run',
      reason: '"fail", "resume", "abandon-if-safe"',
    },
    {
      text: '[db.sports]\npath = "/db/sports"\nstore = "/s.db"\n',
      line: 3,
      key: 'db.sports.store',
      reason: 'global key',
    },
    { text: 'path = "/db/sports"\n', line: 1, key: 'path', reason: '[db.<name>] section' },
    { text: 'repo = "/b"\n\n[db.sports]\nmax-quiet = "5m"\n', line: 3, key: 'db.sports', reason: 'has no path' },
    { text: 'repo = "/b"\nnotify = \n', line: 2, key: '(syntax)', reason: 'Invalid TOML' },
  ])('refuses $key at line $line (OEF-120)', ({ text, line, key, reason }) => {
    const f = file(text);
    const err = refusal(() => readConfig(f));
    expect(err.code).toBe('OEF-120');
    expect(err.details).toEqual({ file: f, line, key });
    expect(err.message).toContain(`${f}:${line}: ${key}:`);
    expect(err.message).toContain(reason);
  });

  it('refuses a file others can read when it names a secret (OEF-121), and accepts it at 0600', () => {
    const text =
      'signing-key = "/secure/dba.key"\n[db.sports]\npath = "/db/sports"\nnotify = "curl -u ops:s3cret https://hooks.example/x"\n';
    const readable = file(text, 0o644);
    const err = refusal(() => readConfig(readable));
    expect(err.code).toBe('OEF-121');
    expect(err.details).toEqual({ file: readable, line: 1, key: 'signing-key' });
    const credentials = file(
      '[db.sports]\npath = "/db/sports"\nnotify = "curl https://ops:s3cret@hooks.example/x"\n',
      0o644,
    );
    expect(refusal(() => readConfig(credentials)).details).toEqual({
      file: credentials,
      line: 3,
      key: 'db.sports.notify',
    });
    expect(readConfig(file(text, 0o600)).global.get('signing-key')!.value).toBe('/secure/dba.key');
  });

  it('takes the per-database utility parameters; a readable file naming a passphrase file is OEF-121', () => {
    const text =
      '[db.sports]\npath = "/db/sports"\npassphrase-file = "/secure/sports.pp"\ncpinternal = "UTF-8"\ncpstream = "ISO8859-1"\ntemp-dir = "/scratch"\n';
    expect(refusal(() => readConfig(file(text, 0o644))).details).toMatchObject({
      line: 3,
      key: 'db.sports.passphrase-file',
    });
    const entries = readConfig(file(text, 0o600)).dbs.get('sports')!.entries;
    expect([...entries.keys()]).toEqual(['path', 'passphrase-file', 'cpinternal', 'cpstream', 'temp-dir']);
  });

  it('is empty when no file exists', () => {
    expect(loadConfig({ env: {}, cwd: '/', home: tmp(), systemFile: '/no/such/file' })).toEqual({
      file: null,
      global: new Map(),
      dbs: new Map(),
    });
  });
});

describe('effectiveSettings', () => {
  it('ranks command line > environment > section > global, and says where each came from', () => {
    const f = file(SAMPLE);
    const c = readConfig(f);
    const sports = findSection(c, 'sports');
    expect(findSection(c, '/db/sports.db')).toBe(sports); // the section's path names it too
    const pick = (m: ReturnType<typeof effectiveSettings>, k: string) => {
      const s = m.get(k)!;
      return [s.value, s.source, s.where];
    };

    const plain = effectiveSettings(c, sports, {});
    expect(pick(plain, 'max-quiet')).toEqual(['5m', 'section', `${f}:7 [db.sports]`]);
    expect(pick(plain, 'repo')).toEqual(['/backup/oeflow', 'global', `${f}:2`]);
    expect(effectiveSettings(c, undefined, {}).get('max-quiet')!.value).toBe('10m');

    const env = effectiveSettings(c, sports, { OEFLOW_MAX_QUIET: '3m', OEFLOW_STATE: '/tmp/s.db' });
    expect(pick(env, 'max-quiet')).toEqual(['3m', 'environment', 'OEFLOW_MAX_QUIET']);
    expect(pick(env, 'store')).toEqual(['/tmp/s.db', 'environment', 'OEFLOW_STATE']);

    const cli = effectiveSettings(c, sports, { OEFLOW_MAX_QUIET: '3m' }, new Map([['max-quiet', '1m']]));
    expect(pick(cli, 'max-quiet')).toEqual(['1m', 'command line', '--max-quiet']);
    // a yes/no variable is the boolean a file's `true` is (kept as text, "true" was not `true`)
    const flags = effectiveSettings(c, sports, { OEFLOW_OPLOCK: 'true', OEFLOW_EXPIRE_AI_FILES: '0' });
    expect(pick(flags, 'oplock')).toEqual([true, 'environment', 'OEFLOW_OPLOCK']);
    expect(pick(flags, 'expire-ai-files')).toEqual([false, 'environment', 'OEFLOW_EXPIRE_AI_FILES']);
    expect(effectiveSettings(c, sports, { OEFLOW_NO_RESTART: 'yes' }).get('no-restart')!.value).toBe(true);
    // a text key keeps the text, even one that reads like a flag
    expect(effectiveSettings(c, sports, { OEFLOW_REPO: '1' }).get('repo')!.value).toBe('1');
    // checked as the file's values are: a count is a number, a bad value is refused with its variable
    expect(effectiveSettings(c, sports, { OEFLOW_RETAIN_COUNT: '7' }).get('retain-count')!.value).toBe(7);
    for (const [name, value, reason] of [
      ['OEFLOW_OPLOCK', 'maybe', 'must be true or false'],
      ['OEFLOW_RETAIN_COUNT', '0', 'must be a whole number of at least 1'],
      ['OEFLOW_MAX_QUIET', 'soon', 'is not a duration'],
    ] as const)
      expect(() => effectiveSettings(c, sports, { [name]: value }), name).toThrow(
        expect.objectContaining({
          code: 'OEF-126',
          message: expect.stringMatching(new RegExp(`^${name}=${value}: .*${reason}`)) as unknown,
        }),
      );
  });
});
