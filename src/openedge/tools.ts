// The operations the steps use, one method per utility call. Implemented by
// createTools() over the runner; steps receive it as a parameter (fakes in unit tests).
import type {
  AiExtent,
  AiFileHeader,
  BusyState,
  CallOptions,
  DbDescription,
  HolderState,
  LkInfo,
  Parsed,
  RollForwardLogState,
  ToolResult,
} from './types.js';

export interface RollForwardOptions extends CallOptions {
  retry?: boolean;
  /** ROLL FORWARD OPLOCK: protect the target until a session leaves nothing to recover (docs/openedge.md §4.41). */
  oplock?: boolean;
  /** yyyy:mm:dd:hh:mm:ss */
  endtime?: string;
}

export interface OpenEdgeTools {
  readonly dlc: string;
  proshut(db: string, mode: 'by' | 'bn' | 'byF', o?: CallOptions): Promise<ToolResult>;
  proserve(db: string, args: readonly string[], o?: CallOptions): Promise<ToolResult>;
  busy(db: string, o?: CallOptions): Promise<Parsed<BusyState>>;
  holder(db: string, o?: CallOptions): Promise<Parsed<HolderState>>;
  truncateBi(db: string, o?: CallOptions): Promise<ToolResult>;
  describe(db: string, o?: CallOptions): Promise<Parsed<DbDescription>>;
  disableSiteReplication(db: string, role: 'source' | 'target', o?: CallOptions): Promise<ToolResult>;
  aimageList(db: string, o?: CallOptions): Promise<Parsed<AiExtent[]>>;
  aimageNew(db: string, o?: CallOptions): Promise<ToolResult>;
  aimageScan(db: string, aiFile: string, o?: CallOptions): Promise<Parsed<AiFileHeader>>;
  markBackedup(db: string, o?: CallOptions): Promise<ToolResult>;
  sequence(db: string, o?: CallOptions): Promise<ToolResult>;
  rollForward(db: string, aiFile: string, o?: RollForwardOptions): Promise<ToolResult>;
  quietEnable(db: string, o?: CallOptions): Promise<ToolResult>;
  quietDisable(db: string, o?: CallOptions): Promise<ToolResult>;
  prostrctList(db: string, stFile: string | undefined, o?: CallOptions): Promise<ToolResult>;
  prostrctRepair(db: string, stFile: string, o?: CallOptions): Promise<ToolResult>;
  /** Reads `<db>.lk` directly (no utility); null when absent. */
  readLk(db: string): Promise<LkInfo | null>;
  /**
   * Reads roll-forward progress from `<db>.lg` (no utility): the lines from `fromByte` on
   * (a size recorded earlier: only what was written since is read), or the whole log when
   * it is shorter than that (truncated or replaced since).
   */
  rollForwardLog(db: string, since?: string, fromByte?: number): Promise<RollForwardLogState>;
}
