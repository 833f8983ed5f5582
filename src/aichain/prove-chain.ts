// The pure chain proof: order scanned AI files by sequence and report every reason the
// chain cannot be rolled forward from the backup's paired sequence, all at once. A file
// of the chain that is cut short or damaged is named with its sequence: rolling it
// forward would leave the target partially rolled forward (9333) or fail (1029).
import { normalizeCtime } from '../openedge/parse-aimage-scan.js';
import type { ChainFile, ChainProblem, ScannedFile } from './types.js';

export interface ChainProof {
  files: ChainFile[];
  problems: ChainProblem[];
  skipped: { path: string; reason: string }[];
}

/** Orders `scanned` and finds foreign, duplicate, wrong-start and gap problems. */
export function proveChain(scanned: readonly ScannedFile[], pairedSeq: number, aiBeginDate: string): ChainProof {
  const problems: ChainProblem[] = [];
  const skipped: ChainProof['skipped'] = [];
  const begin = normalizeCtime(aiBeginDate);
  const foreign = scanned.filter((f) => normalizeCtime(f.aiBeginDate) !== begin);
  if (foreign.length > 0) {
    problems.push({
      kind: 'foreign',
      message: `${foreign.length} file(s) belong to another AI chain (AI begin ${[...new Set(foreign.map((f) => f.aiBeginDate))].join(', ')}, expected ${aiBeginDate}): ${foreign.map((f) => f.path).join(', ')}`,
      paths: foreign.map((f) => f.path),
      seqnos: foreign.map((f) => f.seqno),
    });
  }
  const own = scanned.filter((f) => !foreign.includes(f));
  const early = own.filter((f) => f.seqno < pairedSeq);
  for (const f of early.filter((e) => !e.explicit))
    skipped.push({ path: f.path, reason: `sequence ${f.seqno} precedes the backup's paired sequence ${pairedSeq}` });
  const earlyNamed = early.filter((f) => f.explicit);
  if (earlyNamed.length > 0) {
    problems.push({
      kind: 'wrong-start',
      message: `${earlyNamed.map((f) => `${f.path} (sequence ${f.seqno})`).join(', ')} precede(s) the backup's paired sequence ${pairedSeq}`,
      seqnos: earlyNamed.map((f) => f.seqno).sort((a, b) => a - b),
      paths: earlyNamed.map((f) => f.path),
    });
  }
  const needed = own
    .filter((f) => f.seqno >= pairedSeq)
    .sort((a, b) => a.seqno - b.seqno || a.path.localeCompare(b.path));
  const defective = needed.filter((f) => f.defect !== undefined);
  const files = needed
    .filter((f) => f.defect === undefined)
    .map(({ path, seqno, aiBeginDate: d }) => ({ path, seqno, aiBeginDate: d }));
  problems.push(
    ...defective.map(defectProblem),
    ...duplicates(files),
    ...startAndGaps(
      files,
      pairedSeq,
      defective.map((f) => f.seqno),
    ),
  );
  return { files, problems, skipped };
}

function defectProblem(f: ScannedFile): ChainProblem {
  const what = f.defect?.kind === 'truncated' ? 'is incomplete (cut short)' : 'is damaged';
  return {
    kind: f.defect?.kind ?? 'damaged',
    message: `${f.path} (sequence ${f.seqno}) ${what}: ${f.defect?.detail ?? ''}; put the complete, undamaged copy of sequence ${f.seqno} in its place`,
    seqnos: [f.seqno],
    paths: [f.path],
  };
}

function duplicates(files: readonly ChainFile[]): ChainProblem[] {
  const bySeq = new Map<number, string[]>();
  for (const f of files) bySeq.set(f.seqno, [...(bySeq.get(f.seqno) ?? []), f.path]);
  return [...bySeq]
    .filter(([, paths]) => paths.length > 1)
    .map(([seqno, paths]) => ({
      kind: 'duplicate' as const,
      message: `sequence ${seqno} is held by ${paths.length} files: ${paths.join(', ')}`,
      seqnos: [seqno],
      paths,
    }));
}

// `reported`: sequences already named as truncated or damaged (not reported again as missing).
function startAndGaps(
  files: readonly ChainFile[],
  pairedSeq: number,
  reported: readonly number[] = [],
): ChainProblem[] {
  const seqs = [...new Set([...files.map((f) => f.seqno), ...reported])].sort((a, b) => a - b);
  const first = seqs[0];
  if (first === undefined) {
    return [
      {
        kind: 'wrong-start',
        message: `no AI file with the backup's paired sequence ${pairedSeq} (no usable AI file at all)`,
        seqnos: [pairedSeq],
      },
    ];
  }
  const out: ChainProblem[] = [];
  if (first > pairedSeq) {
    const missing = range(pairedSeq, first - 1);
    out.push({
      kind: 'wrong-start',
      message: `the chain starts at sequence ${first}, not at the backup's paired sequence ${pairedSeq}: missing ${ranges(missing)}`,
      seqnos: missing,
    });
  }
  for (let i = 1; i < seqs.length; i++) {
    const prev = seqs[i - 1] ?? 0;
    const next = seqs[i] ?? 0;
    if (next === prev + 1) continue;
    const missing = range(prev + 1, next - 1);
    out.push({
      kind: 'gap',
      message: `sequence ${ranges(missing)} missing between ${prev} and ${next}`,
      seqnos: missing,
    });
  }
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** `[3,4,5,9]` → `3–5, 9`. */
export function ranges(seqnos: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seqnos.length;) {
    let j = i;
    while (j + 1 < seqnos.length && (seqnos[j + 1] ?? 0) === (seqnos[j] ?? 0) + 1) j++;
    parts.push(j === i ? String(seqnos[i]) : `${seqnos[i]}–${seqnos[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
