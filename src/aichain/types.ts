// Types of the AI-chain planner: what the chain proof reports.
import type { OpenEdgeTools } from '../openedge/tools.js';
import type { DecompressedFile } from './decompress.js';
import type { AiScanCache } from './scan-cache.js';

export type ChainProblemKind =
  'gap' | 'duplicate' | 'foreign' | 'wrong-start' | 'unreadable' | 'not-ai' | 'truncated' | 'damaged';

export interface ChainProblem {
  kind: ChainProblemKind;
  message: string;
  seqnos?: number[];
  paths?: string[];
}

export interface ChainFile {
  path: string;
  seqno: number;
  aiBeginDate: string;
  /** The site's compressed archive `path` was decompressed from (absent: not compressed). */
  compressed?: string;
}

export interface AiChainPlan {
  ok: boolean;
  /** The chain in roll-forward order (sequence ascending). */
  files: ChainFile[];
  problems: ChainProblem[];
  /** Files found in directories and left out, with why (not AI, before the paired sequence). */
  skipped: { path: string; reason: string }[];
  firstSeq: number | null;
  lastSeq: number | null;
  /** `--until` as roll forward's `endtime` (yyyy:mm:dd:hh:mm:ss, local time). */
  endtime?: string;
  /** Compressed archives among the inputs and the plain files made from them (both hashed). */
  decompressed: DecompressedFile[];
}

export interface PlanAiChainInput {
  tools: Pick<OpenEdgeTools, 'aimageScan'>;
  /** Any database rfutil can scan against (scan works on any database). */
  db: string;
  /** AI files and directories (archiver names included). */
  inputs: readonly string[];
  /** The AI sequence the backup was paired with (the extent its switch made busy). */
  pairedSeq: number;
  /** Last AIMAGE BEGIN of the source database, from the backup catalog. */
  aiBeginDate: string;
  until?: Date | string;
  signal?: AbortSignal;
  /** Most scans running at once (default: the number of cores). */
  concurrency?: number;
  /** Scan results to reuse and to keep (the state store); absent: every file is scanned. */
  cache?: AiScanCache;
  /**
   * Where compressed archives are decompressed and kept (the restore's scratch space, removed
   * again if the plan throws); absent: a temporary directory removed once the proof is made.
   */
  decompressInto?: string;
}

/** Why a file whose header reads cannot be rolled forward whole (its scan said so). */
export interface FileDefect {
  kind: 'truncated' | 'damaged';
  /** What rfutil said, e.g. `Incomplete ai file detected, expected 8, got 3. (9333)`. */
  detail: string;
}

/** One scanned candidate: where it came from and what its header says. */
export interface ScannedFile extends ChainFile {
  explicit: boolean;
  /** Set when the scan read the header but found the file cut short or damaged. */
  defect?: FileDefect;
}
