// Every key an oeflow configuration file may hold: its type, where it may appear (the
// global part, a `[db.<name>]` section, or both), the environment variable and the
// command-line option it stands for. Key names follow the command-line options (docs/operations.md).
import { parseDuration } from '../cli/duration.js';

export type KeyScope = 'global' | 'db' | 'both';

export type ConfigValue = string | number | boolean;

export interface KeyDef {
  readonly key: string;
  readonly scope: KeyScope;
  /** What the value must be; `check` returns the normalized value or a reason for the refusal. */
  readonly check: (value: unknown) => { ok: true; value: ConfigValue } | { ok: false; reason: string };
  /** Environment variable that overrides the file (command line > environment > section > global). */
  readonly env?: string;
  /** Commander attribute name of the option the key stands for, when a command has one. */
  readonly option?: string;
  /** For a `no-x` key: the option is the negation (`no-restart = true` sets `restart` false). */
  readonly negates?: boolean;
  /** The key names a secret (a private key, a passphrase file): the file must not be readable by others. */
  readonly secret?: boolean;
  readonly help: string;
}

type Check = KeyDef['check'];

const text: Check = (v) =>
  typeof v === 'string' && v.trim() !== ''
    ? { ok: true, value: v }
    : { ok: false, reason: 'must be a non-empty string' };
const path: Check = (v) =>
  typeof v === 'string' && v.trim() !== ''
    ? { ok: true, value: v }
    : { ok: false, reason: 'must be a non-empty path string' };
const bool: Check = (v) =>
  typeof v === 'boolean' ? { ok: true, value: v } : { ok: false, reason: 'must be true or false' };
const duration: Check = (v) => {
  if (typeof v !== 'string')
    return { ok: false, reason: 'must be a duration string such as "90s", "5m", "26h" or "7d"' };
  try {
    return parseDuration(v) > 0 ? { ok: true, value: v } : { ok: false, reason: 'must be longer than 0' };
  } catch {
    return { ok: false, reason: `"${v}" is not a duration (use e.g. "90s", "5m", "26h", "7d")` };
  }
};
const count: Check = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1
    ? { ok: true, value: v }
    : { ok: false, reason: 'must be a whole number of at least 1' };
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v)
      ? { ok: true, value: v }
      : { ok: false, reason: `must be one of ${values.map((x) => `"${x}"`).join(', ')}` };

export const ON_OPEN_RUN = ['fail', 'resume', 'abandon-if-safe'] as const;
export type OnOpenRun = (typeof ON_OPEN_RUN)[number];

export const keyDefs: readonly KeyDef[] = [
  {
    key: 'path',
    scope: 'db',
    check: path,
    help: 'the database path as the utilities take it (required in every [db.<name>] section)',
  },
  {
    key: 'store',
    scope: 'global',
    check: path,
    env: 'OEFLOW_STATE',
    option: 'state',
    help: 'state store file (--state)',
  },
  { key: 'dlc', scope: 'global', check: path, env: 'DLC', option: 'dlc', help: 'OpenEdge installation (--dlc)' },
  {
    key: 'signing-key',
    scope: 'global',
    check: path,
    env: 'OEFLOW_SIGNING_KEY',
    option: 'signingKey',
    secret: true,
    help: 'Ed25519 private key that signs every journal row (--signing-key)',
  },
  {
    key: 'log-file',
    scope: 'global',
    check: path,
    env: 'OEFLOW_LOG_FILE',
    option: 'logFile',
    help: 'file every command appends its log lines to (--log-file)',
  },
  {
    key: 'log-level',
    scope: 'global',
    check: oneOf('error', 'warn', 'info', 'debug'),
    env: 'OEFLOW_LOG_LEVEL',
    option: 'logLevel',
    help: 'least severe lines written to the log file: error, warn, info (default) or debug (--log-level)',
  },
  {
    key: 'repo',
    scope: 'both',
    check: path,
    env: 'OEFLOW_REPO',
    option: 'repo',
    help: 'backup repository: each backup goes to <repo>/<db name>/<backup-id>/ (--repo)',
  },
  {
    key: 'notify',
    scope: 'both',
    check: text,
    env: 'OEFLOW_NOTIFY',
    option: 'notify',
    help: 'command run when a run completes, fails, needs a decision or aborts (--notify)',
  },
  {
    key: 'on-open-run',
    scope: 'both',
    check: oneOf(...ON_OPEN_RUN),
    env: 'OEFLOW_ON_OPEN_RUN',
    option: 'onOpenRun',
    help: 'what a new run does when the database has an open run (--on-open-run)',
  },
  {
    key: 'snapshot-cmd',
    scope: 'both',
    check: text,
    env: 'OEFLOW_SNAPSHOT_CMD',
    option: 'snapshotCmd',
    help: 'snapshot command of an online backup (--snapshot-cmd)',
  },
  {
    key: 'jobs-check',
    scope: 'both',
    check: text,
    env: 'OEFLOW_JOBS_CHECK',
    option: 'jobsCheck',
    help: 'command that exits 0 when no scheduled job runs (--jobs-check)',
  },
  {
    key: 'proserve-args',
    scope: 'both',
    check: text,
    env: 'OEFLOW_PROSERVE_ARGS',
    option: 'proserveArgs',
    help: 'proserve parameters for OFFLINE-7 (--proserve-args)',
  },
  {
    key: 'no-restart',
    scope: 'both',
    check: bool,
    env: 'OEFLOW_NO_RESTART',
    option: 'restart',
    negates: true,
    help: 'leave the database shut down after an offline backup (--no-restart)',
  },
  {
    key: 'oplock',
    scope: 'both',
    check: bool,
    env: 'OEFLOW_OPLOCK',
    option: 'oplock',
    help: 'restores and drills roll forward with ROLL FORWARD OPLOCK (--oplock)',
  },
  {
    key: 'max-quiet',
    scope: 'both',
    check: duration,
    env: 'OEFLOW_MAX_QUIET',
    option: 'maxQuiet',
    help: 'longest a quiet point may be held (--max-quiet)',
  },
  {
    key: 'copy-method',
    scope: 'both',
    check: oneOf('auto', 'clone', 'copy'),
    env: 'OEFLOW_COPY_METHOD',
    option: 'copyMethod',
    help: 'how an online backup copies: auto, clone or copy (--copy-method)',
  },
  {
    key: 'staging-dir',
    scope: 'both',
    check: path,
    env: 'OEFLOW_STAGING_DIR',
    option: 'stagingDir',
    help: "where an online backup stages its clones, on the database's file system (--staging-dir)",
  },
  {
    key: 'passphrase-file',
    scope: 'both',
    check: path,
    env: 'OEFLOW_PASSPHRASE_FILE',
    option: 'passphraseFile',
    secret: true,
    help: 'file whose first line is the key store passphrase of an encrypted database, mode 600 (--passphrase-file; OEFLOW_PASSPHRASE gives the passphrase itself)',
  },
  {
    key: 'cpinternal',
    scope: 'both',
    check: text,
    env: 'OEFLOW_CPINTERNAL',
    option: 'cpinternal',
    help: 'codepage the utilities get as -cpinternal (--cpinternal)',
  },
  {
    key: 'cpstream',
    scope: 'both',
    check: text,
    env: 'OEFLOW_CPSTREAM',
    option: 'cpstream',
    help: 'codepage the utilities get as -cpstream (--cpstream)',
  },
  {
    key: 'temp-dir',
    scope: 'both',
    check: path,
    env: 'OEFLOW_TEMP_DIR',
    option: 'tempDir',
    help: 'temporary-file directory the utilities get as -T (--temp-dir)',
  },
  {
    key: 'ai-archive',
    scope: 'both',
    check: path,
    env: 'OEFLOW_AI_ARCHIVE',
    option: 'aiArchive',
    help: 'directory where the site archives FULL AI extents (info, check, drill --ai-archive, expire)',
  },
  {
    key: 'expire-ai-files',
    scope: 'both',
    check: bool,
    env: 'OEFLOW_EXPIRE_AI_FILES',
    help: "expire: also remove archived AI files in ai-archive older than the oldest kept backup's paired sequence (default false)",
  },
  {
    key: 'retain-count',
    scope: 'both',
    check: count,
    env: 'OEFLOW_RETAIN_COUNT',
    option: 'retainCount',
    help: 'expire: keep at least this many newest backups (--retain-count)',
  },
  {
    key: 'retain-age',
    scope: 'both',
    check: duration,
    env: 'OEFLOW_RETAIN_AGE',
    option: 'retainAge',
    help: 'expire: keep every backup younger than this (--retain-age)',
  },
  {
    key: 'backup-age-warning',
    scope: 'both',
    check: duration,
    env: 'OEFLOW_BACKUP_AGE_WARNING',
    option: 'backupAgeWarning',
    help: 'check: WARNING when the last good backup is older (default 26h)',
  },
  {
    key: 'backup-age-critical',
    scope: 'both',
    check: duration,
    env: 'OEFLOW_BACKUP_AGE_CRITICAL',
    option: 'backupAgeCritical',
    help: 'check: CRITICAL when the last good backup is older (default 50h)',
  },
  {
    key: 'drill-age-warning',
    scope: 'both',
    check: duration,
    env: 'OEFLOW_DRILL_AGE_WARNING',
    option: 'drillAgeWarning',
    help: 'check: WARNING when the last drill is older or missing (default: not checked)',
  },
];

export const keyDef = new Map(keyDefs.map((d) => [d.key, d]));
