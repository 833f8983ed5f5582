// ONLINE-4, after the disable (issue 9 item 1): the reads that used to hold the quiet point
// are made here and checked against what the quiet point did. Which AI sequence the enable's
// forced switch made BUSY (roll forward starts there), and whether the structure the copy
// followed is still the database's (prostrct list was read before the enable).
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { dbPaths } from '../openedge/dlc.js';
import { parseLg } from '../openedge/parse-lg.js';
import { listDatabaseFiles, preparedFiles } from './db-files.js';
import { fail, factText, type Facts, type Step, noCommands, type StepEnv } from './step.js';

const SWITCHED = 3777; // "Switched to ai extent <name>." (docs/openedge.md §7)
const QUIET_ENABLED = 5583; // "Quiet point has been enabled by the broker." (docs/openedge.md §5)

export const confirmQuietPoint = {
  id: 'confirmQuietPoint',
  title: 'Read the AI sequence the quiet point paired and check the file list (after the disable)',
  kb: 'ONLINE-4',
  effect: 'read',
  commands: noCommands,
  probe: async () => null,
  async run(env) {
    // Two independent utility calls (rfutil aimage list, prostrct list): run at once, both
    // settled before the step ends; a pairing failure is reported first.
    const [paired, listed] = await Promise.allSettled([pairedSequence(env), structureUnchanged(env)]);
    if (paired.status === 'rejected') throw paired.reason;
    const pairing = paired.value;
    // the snapshot command was told the sequence the switch was expected to make current
    const announced = factText(env.ctx.facts.snapshot?.pairedSeqAnnounced);
    if (announced !== '' && announced !== factText(pairing.pairedSeq)) {
      fail(
        'failed',
        'OEF-050',
        `the snapshot command was given PAIRED_AI_SEQ ${announced}, but the quiet point paired sequence ${factText(pairing.pairedSeq)} (an extent switched by itself just before the enable): the snapshot's label is wrong, so the backup is not catalogued`,
        'Take the backup again.',
      );
    }
    if (listed.status === 'rejected') throw listed.reason;
    return { ...pairing, ...listed.value };
  },
} satisfies Step<null>;

/**
 * Between the probe before the enable (BUSY sequence B) and now, extents may also have
 * switched by themselves. If the BUSY sequence is B+1, the quiet point's switch was the only
 * one. Otherwise the .lg says: the enable's switch is the last "Switched to ai extent" line
 * before "Quiet point has been enabled", and the extent it names carries the sequence it made
 * BUSY — accepted when that is above B and no later switch line names the extent again (it
 * would then have been reused). Counting the switch lines would not do: the .lg offset is taken
 * after B was read, so a switch between the two is in B but not in the lines.
 */
async function pairedSequence(env: StepEnv): Promise<Facts> {
  const qe = env.ctx.facts.quietEnable ?? {};
  if (Number.isInteger(qe.pairedSeq))
    return {
      pairedSeq: qe.pairedSeq,
      busyExtent: qe.busyExtent ?? null,
      pairedBy: 'reconciliation under the quiet point',
    };
  const before = Number(qe.previousSeq);
  if (!Number.isInteger(before))
    fail('failed', 'OEF-050', 'the BUSY AI sequence before the quiet point is unknown: the copy cannot be paired');
  const list = (await env.tools.aimageList(env.ctx.input.db, { signal: env.signal })).value;
  const busy = list.find((e) => e.status === 'Busy');
  if (busy?.seqno === before + 1)
    return { pairedSeq: before + 1, busyExtent: busy.extent, pairedBy: 'one switch since the enable' };
  const lines = await lgSince(dbPaths(env.ctx.input.db).lgFile, Number(qe.lgOffset ?? 0));
  const enabled = lines.findIndex((e) => e.number === QUIET_ENABLED);
  const switchedTo = (e: { number: number | null; text: string }): string | undefined =>
    e.number === SWITCHED ? /extent (.+)\.\s*$/.exec(e.text)?.[1] : undefined;
  const named = enabled < 0 ? undefined : lines.slice(0, enabled).map(switchedTo).filter(Boolean).at(-1);
  const extent = named === undefined ? undefined : list.find((e) => basename(e.path) === basename(named));
  const reused = named !== undefined && lines.slice(enabled + 1).some((e) => switchedTo(e) === named);
  const paired = extent?.seqno ?? null;
  if (extent === undefined || paired === null || paired <= before || reused) {
    fail(
      'failed',
      'OEF-050',
      `cannot tell which AI sequence the quiet point made BUSY (before: ${before}, now BUSY: ${busy?.seqno ?? 'none'}, the switch logged before the enable: ${named ?? 'none'}${reused ? ', switched to again since' : ''}): the copy cannot be paired; take the backup again`,
    );
  }
  return { pairedSeq: paired, busyExtent: extent.extent, pairedBy: 'the .lg switch line' };
}

/** The .lg lines written since `offset` (bytes). */
async function lgSince(file: string, offset: number): Promise<ReturnType<typeof parseLg>> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    await fh.read(buf, 0, buf.length, offset);
    return parseLg(buf.toString('utf8'));
  } finally {
    await fh.close();
  }
}

/** The extents prostrct list names now are those the copy followed (listed before the enable). */
async function structureUnchanged(env: StepEnv): Promise<Facts> {
  const prepared = preparedFiles(env.ctx.facts);
  if (prepared === null) return {};
  const now = await listDatabaseFiles(env, env.ctx.input.db);
  const was = new Set(prepared.extents.map((e) => e.path));
  const is = new Set(now.extents.map((e) => e.path));
  const added = [...is].filter((p) => !was.has(p));
  const removed = [...was].filter((p) => !is.has(p));
  if (added.length > 0 || removed.length > 0) {
    fail(
      'failed',
      'OEF-309',
      `the database structure changed between the file list and the quiet point (${[...added.map((p) => `added ${p}`), ...removed.map((p) => `removed ${p}`)].join(', ')}): the copy does not hold every extent`,
    );
  }
  return { structureChecked: true };
}
