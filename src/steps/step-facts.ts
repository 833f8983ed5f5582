// The facts steps record that other code reads, as one typed map: step id → fact → its type.
// Facts are persisted JSON (snapshot context, journal results); each entry below is the
// reader of one fact, so `fact(facts, 'quietEnable', 'enabledAt')` is a string or undefined,
// checked at run time, and no reader re-declares a fact's shape with a cast.
import type { Json } from '../../machines/contract.js';
import { decodeUnsealedCopy, type UnsealedCopy } from '../copy/unsealed-copy.js';
import { AI_EXTENT_STATUSES, type AiExtentStatus } from '../openedge/types.js';

const text = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const count = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const flag = (v: Json | undefined): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const aiStatus = (v: Json | undefined): AiExtentStatus | undefined => AI_EXTENT_STATUSES.find((s) => s === v);
/** The `warning` of a `structure` fact (a stale on-disk .st the copy worked around). */
const structureWarning = (v: Json | undefined): string | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? text(v['warning']) : undefined;

/** What a copy step (offline/online copy, clone transfer) learned. */
interface CopiedFacts {
  destination: string;
  manifestDigest: string;
  structure: string;
  bytesCopied: number;
  files: number;
}

/** The facts read outside the step that recorded them: step id → fact → its type. */
export interface StepFacts {
  /** aiEnabled … nextStatus: the AI picture preflight read (quietEnable's intent takes it, quiet-enable.ts). */
  preflight: {
    dlcVersion: string;
    aiBeginDate: string;
    databaseName: string;
    replication: string;
    aiEnabled: boolean;
    extents: number;
    busySeq: number;
    busyExtent: number;
    nextStatus: AiExtentStatus;
  };
  prepareCopy: { copyMethod: string; stagingDir: string; warning: string };
  shutdown: { shutdownAt: string; alreadyDown: boolean };
  /** guard: 'watching', or 'slow' when the run asked before its guard watched (guardStartMs after the spawn). */
  quietEnable: {
    enabledAt: string;
    lgOffset: number;
    previousSeq: number;
    pairedSeq: number;
    guard: string;
    guardStartMs: number;
  };
  quietDisable: { quietWindowMs: number };
  /** structure: the warning of a stale on-disk .st the copy worked around. */
  snapshot: { copyDir: string; manifestDigest: string; pairedSeqAnnounced: number; structure: string };
  /** sealAfterDisable: the online copy path's listing, which verifyCopy seals after the disable. */
  copyFiles: CopiedFacts & { sealAfterDisable: UnsealedCopy };
  transferClone: CopiedFacts;
  restoreCopy: { bytesCopied: number; files: number };
  cloneFiles: { stagingDir: string };
  /** targetProtected: with --oplock, whether the target was still protected when the file was applied. */
  rollForward: {
    file: string;
    index: number;
    endtimeLocated: boolean;
    aiSeq: number;
    sha256: string;
    bytes: number;
    targetProtected: boolean;
  };
  rollForwardRetry: { index: number; targetProtected: boolean };
  recordBackup: { backupId: string; pairedAiSeq: number };
}

type Reader<T> = (v: Json | undefined) => T | undefined;

/** One reader per fact: the run-time check behind each type of StepFacts. */
type FactReaders = { [S in keyof StepFacts]: { [K in keyof StepFacts[S]]-?: Reader<StepFacts[S][K]> } };

const copiedReaders: FactReaders['transferClone'] = {
  destination: text,
  manifestDigest: text,
  structure: structureWarning,
  bytesCopied: count,
  files: count,
};

const readers: FactReaders = {
  preflight: {
    dlcVersion: text,
    aiBeginDate: text,
    databaseName: text,
    replication: text,
    aiEnabled: flag,
    extents: count,
    busySeq: count,
    busyExtent: count,
    nextStatus: aiStatus,
  },
  prepareCopy: { copyMethod: text, stagingDir: text, warning: text },
  shutdown: { shutdownAt: text, alreadyDown: flag },
  quietEnable: {
    enabledAt: text,
    lgOffset: count,
    previousSeq: count,
    pairedSeq: count,
    guard: text,
    guardStartMs: count,
  },
  quietDisable: { quietWindowMs: count },
  snapshot: { copyDir: text, manifestDigest: text, pairedSeqAnnounced: count, structure: structureWarning },
  copyFiles: { ...copiedReaders, sealAfterDisable: decodeUnsealedCopy },
  transferClone: copiedReaders,
  restoreCopy: { bytesCopied: count, files: count },
  cloneFiles: { stagingDir: text },
  rollForward: {
    file: text,
    index: count,
    endtimeLocated: flag,
    aiSeq: count,
    sha256: text,
    bytes: count,
    targetProtected: flag,
  },
  rollForwardRetry: { index: count, targetProtected: flag },
  recordBackup: { backupId: text, pairedAiSeq: count },
};

/** Step facts as any code holds them: a run's context facts, a run outcome's facts. */
export type FactsByStep = Readonly<{ [stepId: string]: unknown }>;

function isFactRecord(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One fact a step recorded, typed; undefined when the step did not record it (or recorded another type). */
export function fact<S extends keyof StepFacts, K extends keyof StepFacts[S]>(
  facts: FactsByStep,
  step: S,
  key: K,
): StepFacts[S][K] | undefined {
  const recorded = facts[step];
  if (!isFactRecord(recorded)) return undefined;
  const stepReaders: FactReaders[S] = readers[step];
  const read: FactReaders[S][K] = stepReaders[key];
  // `read` is the reader of exactly this fact (FactReaders pairs them); TypeScript widens a call through a generic mapped type, so the pairing is restated once here
  return read(recorded[String(key)]) as StepFacts[S][K] | undefined;
}

/** One fact of a single attempt's facts (a journaled result of `step`), typed as `fact` types it. */
export function attemptFact<S extends keyof StepFacts, K extends keyof StepFacts[S]>(
  attemptFacts: unknown,
  step: S,
  key: K,
): StepFacts[S][K] | undefined {
  return fact({ [step]: attemptFacts }, step, key);
}
