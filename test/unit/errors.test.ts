// The error registry: stable, unique OEF-nnn codes, each documented in the README.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode, OeflowError, errorCodes } from '../../src/errors.js';

describe('errorCodes', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('uses OEF-nnn codes with a title, a hint and a documented exit code', () => {
    const exits = new Set<number>(Object.values(ExitCode));
    for (const [code, entry] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^OEF-\d{3}$/);
      expect(entry.title.length).toBeGreaterThan(5);
      expect(entry.hint.length).toBeGreaterThan(5);
      expect(exits.has(entry.exitCode)).toBe(true);
    }
  });

  it('documents every code and every exit code in the README', () => {
    for (const code of Object.keys(errorCodes)) expect(readme).toContain(`| ${code} |`);
    for (const exit of Object.values(ExitCode)) expect(readme).toMatch(new RegExp(`\\| ${exit} \\|`));
  });

  it('carries code, exit code and hint on OeflowError', () => {
    const err = new OeflowError('OEF-040', 'locked');
    expect(err.exitCode).toBe(ExitCode.locked);
    expect(err.toJSON()).toMatchObject({ code: 'OEF-040', message: 'locked', hint: errorCodes['OEF-040'].hint });
  });
});
