// OFFLINE-6: mark the database as backed up (strictly needed only after aimage begin).
import { requireSuccess } from './probes.js';
import type { Step, CommandShape } from './step.js';
import { markBackedupArgv } from '../openedge/argv.js';

const MARK_BACKEDUP = { utility: 'rfutil', words: ['-C', 'mark', 'backedup'] } as const satisfies CommandShape;

export const markBackedup = {
  id: 'markBackedup',
  title: 'Mark the database backed up (rfutil -C mark backedup)',
  kb: 'OFFLINE-6',
  effect: 'idempotent',
  effects: [MARK_BACKEDUP],
  commands: ({ input }) => [{ ...MARK_BACKEDUP, args: markBackedupArgv(input.db) }],
  probe: async () => null,
  async run(env) {
    requireSuccess(await env.tools.markBackedup(env.ctx.input.db, { signal: env.signal }), 'rfutil -C mark backedup');
    return { markedAt: new Date().toISOString() };
  },
} satisfies Step<null>;
