// The store's public surface: the only module that touches SQL.

export { openStore, openDatabase } from './open.js';
export { BUSY_TIMEOUT_MS, SYNCHRONOUS_FULL, assertDurable, readPragmas, type PragmaReadings } from './pragmas.js';
export { resolveStatePath, type StatePathOptions } from './state-path.js';
export { canonicalJson, sha256Hex, journalHash, storeLogHash, GENESIS_HASH, type HashedFields, type StoreLogFields } from './hash-chain.js';
export { migrations, schemaVersion, type Migration } from './schema.js';
export {
  Store,
  type StoreOptions,
  type CreateRunInput,
  type SetRunStatusExtra,
  type TransitionInput,
  type JournalInput,
  type IntentInput,
  type CommandInput,
  type ResultInput,
  type LockClaim,
  type ChainCheck,
} from './store.js';
export type {
  RunRow,
  RunSummary,
  RunStatus,
  JournalRow,
  JournalKind,
  AttemptRow,
  AttemptOutcome,
  CommandRow,
  LockRow,
  BackupRow,
  BackupInput,
  RowSigner,
  StoreLogRow,
} from './types.js';
export {
  decodeJournal,
  decodeAttempt,
  decodeCommand,
  type DecodedAttempt,
  type DecodedCommand,
  snapshotFacts,
  inputOeflowVersion,
  inputAiFiles,
  inputText,
  decodeRunError,
  closingOf,
  entriesOf,
  decodeJournalEntry,
  decodeIntent,
  decodeJsonRecord,
  decodeMessages,
  decodeStepFailure,
  decodeStepOutput,
  type JournalEntry,
  type JsonRecord,
  type JournaledMessage,
  type RunStartedData,
  type TransitionData,
  type IntentData,
  type CommandData,
  type ResultData,
  type DecisionData,
  type NoteData,
  type RunEndedData,
  type StepOutputData,
  type OperatorDecision,
  type SpawnedUtility,
} from './journal-entry.js';
