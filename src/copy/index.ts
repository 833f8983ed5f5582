// Built-in copy + verify (OFFLINE-5, ONLINE-3, RF-1): manifest, sha256 while copying, resumable.
export type {
  CopyOptions,
  CopyProgress,
  CopyFileFn,
  CopyReport,
  CopySource,
  Manifest,
  ManifestEntry,
  StatfsFn,
  VerifyOptions,
  VerifyProblem,
  VerifyProblemKind,
  VerifyResult,
} from './types.js';
export { copyDatabaseFiles, checkDestinationOutsideDb, checkFreeSpace, SPACE_MARGIN } from './copier.js';
export { verifyCopy } from './verify.js';
export { copyQuiesced, sealCopy, type QuiescedCopy, type SealResult } from './quiesced-copy.js';
export { unsealedCopyFact, decodeUnsealedCopy, type UnsealedCopy, type UnsealedEntry } from './unsealed-copy.js';
export { destinationProblem } from './destination.js';
export { readManifest, manifestDigest, relPathFor, MANIFEST_FILE, JOURNAL_FILE } from './manifest.js';
export { runSnapshotCommand, factEnvName, type SnapshotOptions, type SnapshotResult } from './snapshot.js';
export { formatBytes, terminalProgress } from './progress.js';
export { hashFile } from './stream.js';
export {
  cloneFile,
  cloneTransfer,
  CLONE_READ_AHEAD,
  probeClone,
  removeLeftoverClones,
  stagingPrefix,
  stagingRootFor,
  freeBytes,
  STAGING_DIR_NAME,
  type CloneProbe,
} from './clone.js';
