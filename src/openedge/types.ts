// Types shared by the openedge layer (argv builders, parsers, runner) and its users.
// Exit codes are data: a non-zero exit is a result, classified by message numbers.

/** One numbered message parsed from utility output: `text. (8019)` → {number: 8019, text}. */
export interface OeMessage {
  number: number;
  text: string;
}

/** What running one utility produced. Never thrown; callers classify. */
export interface ToolResult {
  utility: string;
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  messages: OeMessage[];
  startedAt: string;
  /** True when the run was cancelled through the AbortSignal or timed out. */
  cancelled: boolean;
  /** What the utility was given on standard input, described (`passphrase: supplied on stdin`), never the text itself. */
  stdin?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** `proutil -C busy`: 0 not in use, 6 in use, 64 starting up (docs/openedge.md §3). */
export type BusyState = 'not-in-use' | 'in-use' | 'starting';
/** `proutil -C holder`: 0 / 14 / 16 (docs/openedge.md §3). */
export type HolderState = 'not-in-use' | 'single-user' | 'multi-user';

export type AiExtentStatus = 'Empty' | 'Busy' | 'Full' | 'Locked' | 'Archived';
/** Every status `aimage list` prints, as the parser and the fact readers accept them. */
export const AI_EXTENT_STATUSES: readonly AiExtentStatus[] = ['Empty', 'Busy', 'Full', 'Locked', 'Archived'];

/**
 * States of a switched extent whose file is complete (docs/openedge.md §4.4): FULL, and on a
 * replication source LOCKED (not replicated yet) and ARCHIVED (archived, not replicated yet).
 * Only FULL may be emptied; all three can be read or copied as a whole AI file.
 */
export const CLOSED_AI_STATUSES: ReadonlySet<AiExtentStatus> = new Set(['Full', 'Locked', 'Archived']);

/** One block of `rfutil -C aimage list` (docs/openedge.md §4). */
export interface AiExtent {
  extent: number;
  status: AiExtentStatus;
  type: 'Fixed Length' | 'Variable Length';
  path: string;
  sizeKb: number;
  usedKb: number;
  start: string | null;
  lastOp: string | null;
  seqno: number;
}

/** Header of an AI file from `rfutil -C aimage scan` (messages 1640–1643). */
export interface AiFileHeader {
  path: string;
  /** 1642: "aimage file number" = AI sequence. */
  seqno: number;
  /** 1640: date of the last AIMAGE BEGIN: identifies the AI chain of one database. */
  aiBeginDate: string;
  /** 1641 */
  aiNewDate: string | null;
  /** 1643 */
  lastOpenedDate: string | null;
}

/** The parts of `proutil -C describe` the engine uses (docs/openedge.md §3). */
export interface DbDescription {
  databaseName: string;
  aiEnabled: boolean;
  aiBeginDate: string | null;
  lastAimageNew: string | null;
  currentAiFileNumber: number | null;
  lastFullBackupDate: string | null;
  replication: 'source' | 'target' | null;
  aiArchiver: boolean;
  /** Every `Label : value` line as read, for the evidence report. */
  raw: Record<string, string>;
}

/** `.lk` contents (docs/openedge.md §2): mode 1 single-user, 2 multi-user, 5 crash recovery. */
export interface LkInfo {
  mode: number;
  pid: number;
  host: string;
  /** Set when the file is unreadable, too short or of an undocumented mode: never stale, always in use. */
  problem?: string;
}

/** Roll-forward progress read from the database log (.lg). */
export interface RollForwardLogState {
  /** Files whose processing began (17047), in log order, with whether a completion followed. */
  files: { path: string; begunAt: string; completed: boolean; failedWith: number[] }[];
  /** True when the last begun file has no completion and no failure message after it. */
  lastIncomplete: boolean;
}

/** A parsed result together with the raw run that produced it. */
export interface Parsed<T> {
  value: T;
  result: ToolResult;
}
