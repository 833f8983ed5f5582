// The order vitest starts test files in. With results of an earlier run (a developer's machine),
// vitest's own order is right: longest first. Without them (CI on a clean clone) it starts the
// largest files first, which puts the crash tests late although their kill-and-resume loops are
// among the longest files: a long file started last leaves one worker running alone at the end.
// Here the crash tests then go first within their project.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONG_FOR_THEIR_SIZE = /^test\/crash\//;

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const path = (f: TestSpecification) => relative(root, f.moduleId);
    const measured = sorted.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${path(f)}`));
    if (measured) return sorted;
    // stable within each project, projects in vitest's order
    const projects = [...new Set(sorted.map((f) => f.project.name))];
    return projects.flatMap((name) => {
      const own = sorted.filter((f) => f.project.name === name);
      const first = own.filter((f) => LONG_FOR_THEIR_SIZE.test(path(f)));
      return [...first, ...own.filter((f) => !first.includes(f))];
    });
  }
}
