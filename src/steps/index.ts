// Registry of every step module, by step id (the id machines put in their invoke input).
import { aiSequence } from './ai-sequence.js';
import { aiSwitch } from './ai-switch.js';
import { cloneFiles } from './clone-files.js';
import { confirmQuietPoint } from './confirm-quiet-point.js';
import { copyFiles } from './copy-files.js';
import { disableReplication } from './disable-replication.js';
import { jobsCheck } from './jobs-check.js';
import { markBackedup } from './mark-backedup.js';
import { preflight } from './preflight.js';
import { prepareCopy } from './prepare-copy.js';
import { quietDisable } from './quiet-disable.js';
import { quietEnable } from './quiet-enable.js';
import { recordBackup } from './record-backup.js';
import { repairStructure } from './repair-structure.js';
import { restart } from './restart.js';
import { restoreCopy } from './restore-copy.js';
import { rollForward, rollForwardRetry } from './roll-forward.js';
import { shutdown } from './shutdown.js';
import { snapshot } from './snapshot.js';
import type { Step } from './step.js';
import { transferClone } from './transfer-clone.js';
import { truncateBi } from './truncate-bi.js';
import { verifyCopy } from './verify-copy.js';
import { verifyNotInUse } from './verify-not-in-use.js';

const all = [
  preflight,
  shutdown,
  truncateBi,
  jobsCheck,
  verifyNotInUse,
  aiSwitch,
  copyFiles,
  verifyCopy,
  markBackedup,
  restart,
  recordBackup,
  quietEnable,
  quietDisable,
  snapshot,
  restoreCopy,
  repairStructure,
  disableReplication,
  aiSequence,
  rollForward,
  rollForwardRetry,
  prepareCopy,
  cloneFiles,
  confirmQuietPoint,
  transferClone,
] as const;

export const steps: Readonly<Record<string, Step<never>>> = Object.fromEntries(
  all.map((s) => [s.id, s as unknown as Step<never>]),
);
