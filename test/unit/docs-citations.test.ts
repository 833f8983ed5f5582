// The project cites only its own reference documents (issue 10): every comment or document that
// names a section of docs/*.md must name one that exists, and no file may send a maintainer to the
// design notes the project was started from, which a clone does not contain.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tracked = execFileSync(
  'git',
  ['ls-files', '-z', '--', 'src', 'machines', 'test', 'bench', 'scripts', 'docs', '*.md'],
  {
    cwd: root,
    encoding: 'utf8',
  },
)
  .split('\0')
  .filter((f) => /\.(ts|js|mjs|cjs|sh|md)$/.test(f) && existsSync(join(root, f)));
const text = new Map(tracked.map((f) => [f, readFileSync(join(root, f), 'utf8')]));

/** `docs/openedge.md §4.28`, `architecture.md §5.9`: a file of docs/ and a section or item number. */
const CITATION = /\b(?:docs\/)?(architecture|openedge|procedure|operations|simulator)\.md §(\d+(?:\.\d+)*)/g;

/** Whether `doc` has the numbered section (`## 4. …`) or item (`**§4.28**`) a citation names. */
function hasSection(doc: string, number: string): boolean {
  const escaped = number.replace(/\./g, '\\.');
  return new RegExp(`^#+ ${escaped}\\.? `, 'm').test(doc) || new RegExp(`\\*\\*§${escaped}[* ]`).test(doc);
}

describe('citations of the reference documents', () => {
  it('name sections and items that exist in docs/', () => {
    const broken: string[] = [];
    for (const [file, body] of text)
      for (const m of body.matchAll(CITATION)) {
        const doc = text.get(`docs/${m[1]!}.md`);
        if (doc === undefined || !hasSection(doc, m[2]!)) broken.push(`${file}: ${m[0]}`);
      }
    expect(broken).toEqual([]);
  });

  it('never send a reader to documents outside the repository', () => {
    const outside = /\b(?:(?:FACTS|GAPS|DESIGN|STYLE|PROCEDURE)\.md|(?:FACTS|DESIGN|STYLE)\s*§)|\.\.\/shared\//;
    const found = [...text]
      .filter(([file]) => !file.startsWith('docs/') && file !== 'test/unit/docs-citations.test.ts')
      .flatMap(([file, body]) =>
        body
          .split('\n')
          .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
          .filter(({ line }) => outside.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(found).toEqual([]);
  });
});
