// Classifies `proutil -C busy` and `proutil -C holder` by exit code only: these are the
// two utilities whose return codes Progress documents (docs/openedge.md §0, §3); stdout is ignored.
import { OeflowError } from '../errors.js';
import type { BusyState, HolderState, ToolResult } from './types.js';

const BUSY: ReadonlyMap<number, BusyState> = new Map([
  [0, 'not-in-use'],
  [6, 'in-use'],
  [64, 'starting'],
]);
const HOLDER: ReadonlyMap<number, HolderState> = new Map([
  [0, 'not-in-use'],
  [14, 'single-user'],
  [16, 'multi-user'],
]);

/** busy rc 0/6/64 → state; any other exit → OEF-013 carrying the output. */
export function parseBusy(result: ToolResult): BusyState {
  return classify(result, BUSY, 'busy');
}

/** holder rc 0/14/16 → state; any other exit → OEF-013 carrying the output. */
export function parseHolder(result: ToolResult): HolderState {
  return classify(result, HOLDER, 'holder');
}

function classify<T>(result: ToolResult, table: ReadonlyMap<number, T>, what: string): T {
  const state = result.exitCode === null ? undefined : table.get(result.exitCode);
  if (state !== undefined) return state;
  const how = result.exitCode === null ? `ended by ${result.signal ?? 'cancellation'}` : `exited ${result.exitCode}`;
  throw new OeflowError('OEF-013', `proutil -C ${what} ${how}; documented codes are ${[...table.keys()].join('/')}.`, {
    details: { result },
  });
}
