// `oeflow completion bash` completes commands, subcommands, options and configured section names.
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers/oeflow.js';

describe('oeflow completion bash', () => {
  const dir = tempDir();

  it('completes subcommands, options and [db.<name>] sections', async () => {
    const binDir = join(dir, 'bin');
    mkdirSync(binDir);
    writeFileSync(join(binDir, 'oeflow'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
    writeFileSync(join(dir, 'oeflow.conf'), '[db.sports]\npath = "/db/sports"\n[db.finance]\npath = "/db/finance"\n', {
      mode: 0o600,
    });
    const complete = async (...words: string[]) => {
      const script = `source <(oeflow completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _oeflow; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = await execa('bash', ['-c', script], {
        env: {
          ...process.env,
          PATH: `${binDir}:${process.env['PATH'] ?? ''}`,
          OEFLOW_CONFIG: join(dir, 'oeflow.conf'),
        },
      });
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    expect(await complete('oeflow', 'back')).toEqual(['backup', 'backups']);
    expect(await complete('oeflow', 'backup', 'on')).toEqual(['online']);
    expect(await complete('oeflow', 'backup', 'online', '--max')).toEqual(['--max-quiet']);
    expect(await complete('oeflow', 'backup', 'online', 'sp')).toEqual(['sports']);
  });
});
