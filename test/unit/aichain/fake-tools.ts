// A fake `aimageScan` for planner tests (fakes over mocks, docs/architecture.md §9.14): headers by path;
// any other file behaves like rfutil on a non-AI file (OEF-013 carrying the run).
import { OeflowError } from '../../../src/errors.js';
import type { OpenEdgeTools } from '../../../src/openedge/tools.js';
import type { AiFileHeader, ToolResult } from '../../../src/openedge/types.js';

export const BEGIN = 'Mon Dec 10 13:05:25 2012';

/** Tools whose scan answers from `headers` (path → seqno, or seqno + begin date). */
export function fakeScanTools(
  headers: Record<string, number | { seqno: number; begin: string }>,
  scanned: string[] = [],
): Pick<OpenEdgeTools, 'aimageScan'> {
  return {
    aimageScan: async (_db, aiFile) => {
      scanned.push(aiFile);
      const h = headers[aiFile];
      const result: ToolResult = {
        utility: 'rfutil',
        argv: [],
        exitCode: h === undefined ? 1 : 0,
        signal: null,
        durationMs: 1,
        stdout: '',
        stderr: '',
        messages: [],
        startedAt: '',
        cancelled: false,
      };
      if (h === undefined) throw new OeflowError('OEF-013', 'not an AI file', { details: { result } });
      const value: AiFileHeader =
        typeof h === 'number'
          ? { path: aiFile, seqno: h, aiBeginDate: BEGIN, aiNewDate: null, lastOpenedDate: null }
          : { path: aiFile, seqno: h.seqno, aiBeginDate: h.begin, aiNewDate: null, lastOpenedDate: null };
      return { value, result };
    },
  };
}
