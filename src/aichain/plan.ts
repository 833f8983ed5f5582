// planAiChain(): reads every candidate AI file's header with `rfutil -C aimage scan`
// and proves the chain; assertChainProven() stops anything destructive unless it holds.
// Scans run concurrently (at most `concurrency`, default the core count) and their results
// are cached (scan-cache.ts): a second plan, or the restore after `--plan`, does not scan again.
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { OeflowError, isOeflowError } from '../errors.js';
import { makeScratchDir, removeLeftBehind } from '../scratch-dir.js';
import { resultOf } from '../openedge/create-tools.js';
import { Msg, hasMessage } from '../openedge/messages.js';
import { parseAimageScan } from '../openedge/parse-aimage-scan.js';
import type { OeMessage } from '../openedge/types.js';
import { collectInputs, unreadable, type Candidate } from './collect-inputs.js';
import { compressionOf, decompressFile, type DecompressedFile } from './decompress.js';
import { toEndtime } from './endtime.js';
import { refuseLiveExtents } from './live-extents.js';
import { proveChain } from './prove-chain.js';
import { contentSha256, fileIdentity, type AiScanCache, type FileIdentity, type ScanToRemember } from './scan-cache.js';
import type { AiChainPlan, ChainProblem, PlanAiChainInput, ScannedFile } from './types.js';

/** Scans `inputs` and proves the AI chain from `pairedSeq`; every problem is reported at once. */
export async function planAiChain(input: PlanAiChainInput): Promise<AiChainPlan> {
  const endtime = input.until === undefined ? undefined : toEndtime(input.until);
  const collected = await collectInputs(input.inputs);
  const { problems } = collected;
  // an extent of a live database is refused before anything is scanned (OEF-321)
  refuseLiveExtents(
    collected.candidates.map((c) => c.path),
    [input.db],
  );
  const skipped: AiChainPlan['skipped'] = [];
  const compressed = collected.candidates.filter((c) => c.compressed);
  if (compressed.length === 0)
    return {
      ...(await proveCandidates(input, collected.candidates, problems, skipped)),
      decompressed: [],
      ...(endtime === undefined ? {} : { endtime }),
    };
  // compressed archives: decompressed into the caller's scratch space (kept: the restore rolls
  // them forward), or into a temporary directory removed once the proof is made (a plan); first
  // the directories a killed plan left (they hold whole AI files)
  if (input.decompressInto === undefined) await removeLeftBehind();
  const scratch = input.decompressInto ?? (await makeScratchDir('ai'));
  try {
    await mkdir(scratch, { recursive: true });
    const made = await decompressCandidates(compressed, scratch, skipped, input.signal);
    const byFile = new Map(made.map((d) => [d.file, d]));
    const candidates = collected.candidates.flatMap((c) => {
      if (!c.compressed) return [c];
      const d = made.find((x) => x.compressed === c.path);
      return d ? [{ ...c, path: d.file, compressed: false }] : [];
    });
    const plan = await proveCandidates(input, candidates, problems, skipped);
    // problems and the plan name the site's file beside the decompressed copy
    const named = (text: string) =>
      made.reduce((t, d) => t.replaceAll(d.file, `${d.compressed} (decompressed to ${d.file})`), text);
    return {
      ...plan,
      files: plan.files.map((f) => (byFile.has(f.path) ? { ...f, compressed: byFile.get(f.path)!.compressed } : f)),
      problems: plan.problems.map((p) => ({
        ...p,
        message: named(p.message),
        ...(p.paths ? { paths: p.paths.map((x) => byFile.get(x)?.compressed ?? x) } : {}),
      })),
      skipped: plan.skipped.map((s) => ({ ...s, path: byFile.get(s.path)?.compressed ?? s.path })),
      decompressed: made,
      ...(endtime === undefined ? {} : { endtime }),
    };
  } catch (err) {
    if (input.decompressInto !== undefined) await rm(scratch, { recursive: true, force: true });
    throw err;
  } finally {
    if (input.decompressInto === undefined) await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Decompress every compressed candidate into `scratch` (a name each: the archive's name less its
 * extension). A named or archiver-named file that cannot be decompressed stops the plan (OEF-325);
 * any other compressed file found in a directory is skipped with the reason, as a non-AI file is.
 */
async function decompressCandidates(
  compressed: readonly Candidate[],
  scratch: string,
  skipped: AiChainPlan['skipped'],
  signal?: AbortSignal,
): Promise<DecompressedFile[]> {
  const names = new Set<string>();
  const made: DecompressedFile[] = [];
  for (const c of compressed) {
    signal?.throwIfAborted();
    const plain = basename(c.path).slice(0, -(compressionOf(c.path)?.ext.length ?? 0));
    let name = plain;
    for (let i = 2; names.has(name); i++) name = `${i}-${plain}`;
    names.add(name);
    try {
      made.push(await decompressFile(c.path, join(scratch, name), signal));
    } catch (err) {
      if (!isOeflowError(err, 'OEF-325') || c.explicit || c.archiverName) throw err;
      skipped.push({ path: c.path, reason: err.message });
    }
  }
  return made;
}

/** Scan the (plain) candidates and prove the chain. */
async function proveCandidates(
  input: PlanAiChainInput,
  candidates: readonly Candidate[],
  problems: ChainProblem[],
  skipped: AiChainPlan['skipped'],
): Promise<Omit<AiChainPlan, 'decompressed' | 'endtime'>> {
  const scanned: ScannedFile[] = [];
  const remembered = new ScanBatch(input.cache);
  let outcomes: ScanOutcome[];
  try {
    outcomes = await inPool(candidates, input.concurrency ?? availableParallelism(), (c) => {
      input.signal?.throwIfAborted();
      return cachedScan(input, c, remembered);
    });
  } catch (err) {
    // what was scanned before the failure is kept, unless the store fails too (the failure stands)
    try {
      remembered.flush();
    } catch {
      /* the plan's own failure is the one to report */
    }
    throw err;
  }
  remembered.flush();
  // in candidate order, whatever order the scans finished in: the report does not depend on timing
  for (const [i, c] of candidates.entries()) {
    const outcome = outcomes[i]!;
    if ('header' in outcome) scanned.push(outcome.header);
    else if (c.explicit || c.archiverName) problems.push(outcome.problem);
    else skipped.push({ path: c.path, reason: outcome.problem.message });
  }
  const proof = proveChain(scanned, input.pairedSeq, input.aiBeginDate);
  const all = [...problems, ...proof.problems];
  return {
    ok: all.length === 0,
    files: proof.files,
    problems: all,
    skipped: [...skipped, ...proof.skipped],
    firstSeq: proof.files[0]?.seqno ?? null,
    lastSeq: proof.files.at(-1)?.seqno ?? null,
  };
}

/** Throws OEF-320 listing every problem of `plan` (details.problems) unless the chain is proven. */
export function assertChainProven(plan: AiChainPlan): void {
  if (plan.ok) return;
  const lines = plan.problems.map((p) => `- ${p.kind}: ${p.message}`);
  throw new OeflowError(
    'OEF-320',
    `The AI chain is not provable (${plan.problems.length} problem(s)):\n${lines.join('\n')}`,
    {
      details: { problems: plan.problems.map((p) => ({ ...p })) },
    },
  );
}

/** fn over items, at most `limit` at a time; results by index. The first rejection rejects (the rest finish unobserved). */
async function inPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

type ScanOutcome = { header: ScannedFile } | { problem: ChainProblem };

/** Scans to cache, written in batches: one store transaction per BATCH scans, not one per AI file. */
class ScanBatch {
  static readonly BATCH = 100;
  readonly #pending: ScanToRemember[] = [];
  constructor(private readonly cache: AiScanCache | undefined) {}

  add(scan: ScanToRemember): void {
    this.#pending.push(scan);
    if (this.#pending.length >= ScanBatch.BATCH) this.flush();
  }

  flush(): void {
    if (this.#pending.length > 0) this.cache?.rememberScans(this.#pending.splice(0));
  }
}

/**
 * The cached header when the file is unchanged since a scan (same identity) or has the bytes
 * of a scanned file (same sha256); otherwise a scan, remembered when it found a header.
 */
async function cachedScan(input: PlanAiChainInput, c: Candidate, remembered: ScanBatch): Promise<ScanOutcome> {
  const cache = input.cache;
  if (cache === undefined) return scan(input, c);
  const id = fileIdentity(c.path);
  if (id === null) return scan(input, c);
  const known = cache.scanByIdentity(id);
  const header = (h: { seqno: number; aiBeginDate: string }): ScanOutcome => ({
    header: { path: c.path, seqno: h.seqno, aiBeginDate: h.aiBeginDate, explicit: c.explicit },
  });
  if (known !== undefined) return header(known);
  const sha256 = await contentSha256(c.path).catch(() => null);
  if (sha256 === null) return scan(input, c); // unreadable: the scan says why
  const copyOf = cache.scanByContent(sha256);
  const outcome = copyOf !== undefined ? header(copyOf) : await scan(input, c);
  // kept only when the file did not change while it was hashed and scanned
  const after = fileIdentity(c.path);
  // a file with a defect is never cached: the cache keeps headers only, and the next proof must name it again
  if ('header' in outcome && outcome.header.defect === undefined && after !== null && sameIdentity(after, id))
    remembered.add({ id, sha256, header: { seqno: outcome.header.seqno, aiBeginDate: outcome.header.aiBeginDate } });
  return outcome;
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

// A scan that printed the file's header and then 9333 (cut short) or 1029/1028 (a broken
// note) found an AI file that cannot be rolled forward whole: it is kept, with its sequence,
// so the proof names it (docs/openedge.md §4, KB 000046795).
function defectOf(c: Candidate, messages: readonly OeMessage[]): ScannedFile | null {
  const said =
    messages.find((m) => m.number === Msg.incompleteAiFile) ??
    messages.find((m) => m.number === Msg.noteCountsMismatch || m.number === Msg.rfApplyNoteError);
  if (said === undefined) return null;
  let header;
  try {
    header = parseAimageScan(c.path, messages);
  } catch {
    return null;
  }
  const kind = said.number === Msg.incompleteAiFile ? 'truncated' : 'damaged';
  return {
    path: c.path,
    seqno: header.seqno,
    aiBeginDate: header.aiBeginDate,
    explicit: c.explicit,
    defect: { kind, detail: `${said.text} (${said.number})` },
  };
}

// A scan that exits non-zero or prints no header means "not an AI file", except when
// rfutil says it cannot open the file (43). Not being able to run rfutil at all is not
// a property of the file, so that error propagates.
async function scan(
  input: PlanAiChainInput,
  c: Candidate,
): Promise<{ header: ScannedFile } | { problem: ChainProblem }> {
  try {
    const { value } = await input.tools.aimageScan(
      input.db,
      c.path,
      input.signal === undefined ? {} : { signal: input.signal },
    );
    return { header: { path: c.path, seqno: value.seqno, aiBeginDate: value.aiBeginDate, explicit: c.explicit } };
  } catch (err) {
    if (!isOeflowError(err, 'OEF-013')) throw err;
    const result = resultOf(err);
    if (result?.cancelled) throw err;
    if (result && hasMessage(result, Msg.cannotOpenFile))
      return { problem: unreadable(c.path, 'rfutil cannot open it (43)') };
    const defective = result === undefined ? null : defectOf(c, result.messages);
    if (defective !== null) return { header: defective };
    const nums = result?.messages.map((m) => m.number) ?? [];
    return {
      problem: {
        kind: 'not-ai',
        message: `${c.path} is not an AI file: rfutil -C aimage scan ${result?.exitCode === 0 ? 'printed no AI header' : `exited ${String(result?.exitCode ?? 'abnormally')}`}${nums.length > 0 ? ` (messages ${nums.join(', ')})` : ''}`,
        paths: [c.path],
      },
    };
  }
}
