// The AI-chain planner's public surface.
export { planAiChain, assertChainProven } from './plan.js';
export { parseArchiverName, type ArchiverName } from './archiver-name.js';
export { endtimeZone, toEndtime } from './endtime.js';
export type { AiScanCache, CachedHeader, FileIdentity, ScanToRemember } from './scan-cache.js';
export type { AiChainPlan, ChainFile, ChainProblem, ChainProblemKind, PlanAiChainInput } from './types.js';
export { compressionOf, decompressedNotes, type CompressionFormat, type DecompressedFile } from './decompress.js';
