// Store-wide checkpoints. The store log chains every run's start, end and decisions (their
// journal row hashes) in one sequence; a checkpoint is its size and head hash, signed when a
// key is configured, handed to someone who keeps it out of the DBA's reach. Later, the store
// proves against each checkpoint that nothing recorded before it was removed (a deleted run:
// its anchored rows are gone), cut (the log is shorter) or rewritten (a recomputed run chain
// no longer matches its anchored hash; a recomputed log no longer reaches the head hash).
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OeflowError } from '../errors.js';
import { GENESIS_HASH, canonicalJson, storeLogHash, type Store, type StoreLogRow } from '../store/index.js';
import { OEFLOW_VERSION } from '../version.js';
import { documentSignatureValid, keyIdOf, type DocumentSignature, type DocumentSigner } from './signing.js';

export const CHECKPOINT_FORMAT = 'oeflow-checkpoint-v1';
const DOMAIN = 'oeflow-checkpoint-v1';

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** The store file it was taken of (informational: a copied store verifies against it too). */
  store: string;
  /** Number of store log entries, and the hash of the last one. */
  size: number;
  headHash: string;
  at: string;
  oeflowVersion: string;
  signature: DocumentSignature | null;
}

/** What the signature covers: everything but the signature itself, canonical. */
function signedText(c: Omit<Checkpoint, 'signature'>): string {
  const { format, store, size, headHash, at, oeflowVersion: version } = c;
  return canonicalJson({ format, store, size, headHash, at, oeflowVersion: version });
}

/** A checkpoint of the store as it is now, signed when `sign` is given. */
export function takeCheckpoint(store: Store, sign?: DocumentSigner, now = new Date()): Checkpoint {
  const head = store.storeLogHead();
  const body = {
    format: CHECKPOINT_FORMAT,
    store: store.path,
    size: head.size,
    headHash: head.headHash,
    at: now.toISOString(),
    oeflowVersion: OEFLOW_VERSION,
  } as const;
  return { ...body, signature: sign ? sign(DOMAIN, signedText(body)) : null };
}

/** Read a checkpoint file: OEF-332 when it cannot be read or is not a checkpoint. */
export function readCheckpoint(file: string): Checkpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new OeflowError(
      'OEF-332',
      `cannot read the checkpoint ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, details: { file } },
    );
  }
  const c = parsed as Partial<Checkpoint> | null;
  if (
    c?.format !== CHECKPOINT_FORMAT ||
    typeof c.size !== 'number' ||
    !Number.isInteger(c.size) ||
    c.size < 0 ||
    typeof c.headHash !== 'string' ||
    typeof c.at !== 'string'
  ) {
    throw new OeflowError(
      'OEF-332',
      `${file} is not an oeflow checkpoint (expected format ${CHECKPOINT_FORMAT} with size, headHash and at)`,
      { details: { file } },
    );
  }
  return c as Checkpoint;
}

export interface CheckpointVerification {
  file: string;
  size: number;
  headHash: string;
  at: string;
  /** Everything recorded before the checkpoint is still there, unaltered. */
  ok: boolean;
  problems: string[];
  /** Runs anchored within the checkpoint (their start, end, decisions). */
  runsCovered: number;
  signature: { signed: boolean; keyId: string | null; checkedWith: 'public-key' | 'store-keys' | 'none'; ok: boolean };
}

/** The first store log entry whose chain link or hash does not verify, with why. */
function brokenLogEntry(log: readonly StoreLogRow[]): { seq: number; reason: string } | undefined {
  let prev = GENESIS_HASH;
  for (const [i, e] of log.entries()) {
    if (e.seq !== i + 1) return { seq: i + 1, reason: `entry ${i + 1} is missing (next is ${e.seq})` };
    if (e.prevHash !== prev) return { seq: e.seq, reason: 'prev_hash does not match the previous entry' };
    if (storeLogHash(prev, e) !== e.hash) return { seq: e.seq, reason: 'hash does not match the entry' };
    prev = e.hash;
  }
  return undefined;
}

/** Does each anchored journal row still exist with its anchored hash, on an intact run chain? */
function anchorProblems(store: Store, entries: readonly StoreLogRow[]): string[] {
  const problems: string[] = [];
  const chains = new Map<string, ReturnType<Store['verifyChain']> | 'missing'>();
  for (const e of entries) {
    const row = store.journalRow(e.runId, e.runSeq);
    if (row === undefined) {
      problems.push(`log #${e.seq}: run ${e.runId}'s ${e.kind} (seq ${e.runSeq}) is gone: the run was deleted or cut`);
      continue;
    }
    if (row.hash !== e.runHash) {
      problems.push(
        `log #${e.seq}: run ${e.runId}'s ${e.kind} (seq ${e.runSeq}) has another hash than the one anchored: the run was rewritten`,
      );
      continue;
    }
    if (!chains.has(e.runId)) {
      try {
        chains.set(e.runId, store.verifyChain(e.runId));
      } catch {
        chains.set(e.runId, 'missing');
      }
    }
    const chain = chains.get(e.runId)!;
    if (chain === 'missing') problems.push(`log #${e.seq}: run ${e.runId} has journal rows but no run record`);
    else if (!chain.ok && chain.brokenAtSeq <= e.runSeq)
      problems.push(
        `log #${e.seq}: run ${e.runId}'s journal chain is broken at seq ${chain.brokenAtSeq}, before the anchored seq ${e.runSeq}`,
      );
  }
  return problems;
}

/** Check the checkpoint's signature: against `trusted` keys when given, else the keys the store records. */
function signatureOf(
  c: Checkpoint,
  storeKeys: ReadonlyMap<string, string>,
  trusted?: readonly KeyObject[],
): CheckpointVerification['signature'] {
  if (c.signature === null || c.signature === undefined)
    return { signed: false, keyId: null, checkedWith: trusted ? 'public-key' : 'none', ok: trusted === undefined };
  const { signature, ...body } = c;
  const candidates = trusted
    ? trusted.filter((k) => keyIdOf(k) === signature.keyId)
    : [...storeKeys].filter(([id]) => id === signature.keyId).map(([, pem]) => createPublicKey(pem));
  const ok = candidates.some((k) => documentSignatureValid(k, DOMAIN, signedText(body), signature.value));
  return { signed: true, keyId: signature.keyId, checkedWith: trusted ? 'public-key' : 'store-keys', ok };
}

/** Prove that nothing recorded in the store before checkpoint `c` was removed, cut or rewritten. */
export function verifyCheckpoint(
  store: Store,
  c: Checkpoint,
  file: string,
  trusted?: readonly KeyObject[],
): CheckpointVerification {
  const log = store.storeLog();
  const problems: string[] = [];
  const signature = signatureOf(c, store.signingKeys(), trusted);
  if (!signature.ok)
    problems.push(
      signature.signed
        ? `the checkpoint's signature (key ${signature.keyId?.slice(0, 16) ?? '?'}…) does not verify ${trusted ? 'with the public key(s) you passed' : 'with the keys the store records'}`
        : 'the checkpoint is not signed, and you asked for a signed one (--public-key)',
    );
  if (log.length < c.size)
    problems.push(
      `the store log has ${log.length} entries, the checkpoint counted ${c.size}: entries ${log.length + 1}..${c.size} were removed (the store's tail was cut)`,
    );
  const covered = log.slice(0, c.size);
  const broken = brokenLogEntry(covered);
  if (broken) problems.push(`the store log is broken at entry ${broken.seq}: ${broken.reason}`);
  const atSize = covered.at(-1)?.hash ?? (c.size === 0 ? GENESIS_HASH : undefined);
  if (log.length >= c.size && atSize !== c.headHash)
    problems.push(
      `store log entry ${c.size} does not have the checkpoint's head hash ${c.headHash.slice(0, 16)}…: the history before the checkpoint was rewritten`,
    );
  problems.push(...anchorProblems(store, covered));
  return {
    file,
    size: c.size,
    headHash: c.headHash,
    at: c.at,
    ok: problems.length === 0,
    problems,
    runsCovered: new Set(covered.map((e) => e.runId)).size,
    signature,
  };
}
