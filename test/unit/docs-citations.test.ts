// The project cites only its own reference documents (issue 10): every comment or document that
// names a section of docs/*.md must name one that exists, and no file may send a maintainer to the
// design notes the project was started from, which a clone does not contain. Citations of the
// benchmarks' documents (bench/README.md, bench/HISTORY.md) must name a heading that exists there.
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

/**
 * A citation of the benchmarks' documents by section: `bench/README.md, "Start phase"`, `bench/README.md "Guard start"`,
 * `bench/HISTORY.md "A", "B"` (each quoted title is checked), or a benchmark's name unquoted:
 * `bench/README.md, cli-start`. Between the file and the title only spaces, commas and a comment's line break
 * (`//`, ` * `) may stand; a title may wrap onto the next line.
 */
const BENCH_CITATION =
  /\bbench\/(README|HISTORY)\.md(?:[\s,]|\/\/|\*)*(?:("[^"]{1,200}"(?:\s*,\s*"[^"]{1,200}")*)|([a-z]+(?:-[a-z]+)+)\b)/g;

/** The titles a citation names: quoted ones with a comment's line breaks and wrapping undone, or the bare name. */
function citedTitles(quoted: string | undefined, bare: string | undefined): string[] {
  if (bare !== undefined) return [bare];
  return [...quoted!.matchAll(/"([^"]+)"/g)].map((t) => t[1]!.replace(/\s*\n\s*(?:\/\/|\*)?\s*/g, ' ').trim());
}

/** The text of every heading (`#` to `####`) of a markdown document, outside its code blocks. */
function headings(doc: string): string[] {
  const prose = doc.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/^#{1,4} (.+)$/gm)].map((h) => h[1]!.trim());
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

  it('name headings that exist in bench/README.md and bench/HISTORY.md', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const [file, body] of text) {
      if (file === 'test/unit/docs-citations.test.ts') continue;
      for (const m of body.matchAll(BENCH_CITATION)) {
        const doc = text.get(`bench/${m[1]!}.md`);
        for (const title of citedTitles(m[2], m[3])) {
          checked++;
          if (doc === undefined || !headings(doc).some((h) => h.startsWith(title)))
            broken.push(`${file}: bench/${m[1]!}.md "${title}"`);
        }
      }
    }
    expect(broken).toEqual([]);
    // the forms above are the ones the repository uses: a pattern that stopped matching them would check nothing
    expect(checked).toBeGreaterThan(20);
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
