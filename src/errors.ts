// Typed errors with stable OEF-nnn codes. One registry: title, exit code, hint.
// Codes are never renumbered; a retired code stays here as a tombstone.

/** Process exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  failed: 1, // the procedure failed (a step failed, a precondition was not met)
  usage: 2, // bad command line or bad input
  needsDecision: 3, // an in-doubt step needs `oeflow resolve`
  locked: 4, // another run holds the database
  aborted: 5, // SIGINT/SIGTERM or operator abort; the run stays resumable
  invariant: 6, // an invariant of the procedure was refused by the engine
  quietTimeout: 7, // --max-quiet exceeded; quiet point disabled, run failed
  verification: 8, // a copy, chain or journal failed verification
  internal: 70, // a bug in oeflow
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

interface CodeEntry {
  readonly title: string;
  readonly exitCode: ExitCodeValue;
  readonly hint: string;
}

export const errorCodes = {
  'OEF-001': {
    title: 'Invalid command-line usage',
    exitCode: ExitCode.usage,
    hint: 'Run `oeflow help <command>` for the syntax.',
  },
  'OEF-002': {
    title: 'Internal error',
    exitCode: ExitCode.internal,
    hint: 'This is a bug in oeflow: report it with `oeflow show <run-id> --json`.',
  },
  'OEF-003': {
    title: 'Cannot write output file',
    exitCode: ExitCode.usage,
    hint: 'Check that the directory exists and is writable, or name another file.',
  },
  'OEF-010': {
    title: 'DLC not found or not an OpenEdge installation',
    exitCode: ExitCode.usage,
    hint: 'Set DLC or pass --dlc <dir> (it must contain bin/rfutil and a version file).',
  },
  'OEF-011': {
    title: 'Database not found',
    exitCode: ExitCode.usage,
    hint: 'Pass the database path as the utilities take it (absolute, without .db), and check that <db>.db exists.',
  },
  'OEF-012': {
    title: 'A utility could not be started',
    exitCode: ExitCode.failed,
    hint: 'Check that $DLC/bin holds the utility and that it is executable.',
  },
  'OEF-013': {
    title: 'Unexpected output from a utility',
    exitCode: ExitCode.failed,
    hint: 'Run the command by hand (see `oeflow show <run-id>`) and compare with the documented output.',
  },
  'OEF-020': {
    title: 'State store could not be opened',
    exitCode: ExitCode.failed,
    hint: 'Check --state / OEFLOW_STATE points to a writable file on a local disk.',
  },
  'OEF-021': {
    title: 'State store is not durable',
    exitCode: ExitCode.failed,
    hint: 'The store must run with journal_mode=WAL and synchronous=FULL; use a local filesystem.',
  },
  'OEF-023': {
    title: 'Signing key unusable',
    exitCode: ExitCode.usage,
    hint: 'Create a key pair with `oeflow key generate <file>`; point --signing-key / OEFLOW_SIGNING_KEY at the private key and --public-key at the .pub file.',
  },
  'OEF-022': {
    title: 'State store schema is newer than this oeflow',
    exitCode: ExitCode.failed,
    hint: 'Upgrade oeflow, or point --state at another store.',
  },
  'OEF-030': { title: 'Run not found', exitCode: ExitCode.usage, hint: 'List runs with `oeflow runs`.' },
  'OEF-031': {
    title: 'Run is not resumable',
    exitCode: ExitCode.usage,
    hint: 'Only runs with status running, failed (resumable), aborted or needs-decision can resume; see `oeflow show <run-id>`.',
  },
  'OEF-032': {
    title: 'Machine definition of the run is not in this oeflow',
    exitCode: ExitCode.failed,
    hint: 'Resume with the oeflow version named in the message (it shipped the definition the run started under), or abandon the run and start a new one.',
  },
  'OEF-033': {
    title: 'No open run for this database',
    exitCode: ExitCode.usage,
    hint: 'List runs with `oeflow runs --db <db>`.',
  },
  'OEF-034': {
    title: 'No decision is pending for this run',
    exitCode: ExitCode.usage,
    hint: '`oeflow resolve` applies only to runs with status needs-decision.',
  },
  'OEF-035': {
    title: 'Run cannot be abandoned while it holds a quiet point',
    exitCode: ExitCode.invariant,
    hint: 'The guard of a killed run disables its quiet point within seconds: try again then (see `<store>-guards/<run-id>.json`), or resume the run (`oeflow resume <run-id>`).',
  },
  'OEF-041': {
    title: 'A utility or site command from the interrupted run is still running',
    exitCode: ExitCode.locked,
    hint: 'Let it finish (see its pid in the message and the database .lg) or stop it, then run `oeflow resume` again; the step is then reconciled from the database.',
  },
  'OEF-040': {
    title: 'Database is locked by another oeflow run',
    exitCode: ExitCode.locked,
    hint: 'Wait for the holder to finish. If its process is gone (oeflow runs shows the run as interrupted), `oeflow resume <run-id>` takes it over.',
  },
  'OEF-050': {
    title: 'A step failed',
    exitCode: ExitCode.failed,
    hint: 'See `oeflow show <run-id>` for the command output; fix the cause, then run the procedure again.',
  },
  'OEF-051': {
    title: 'A step is in doubt and needs an operator decision',
    exitCode: ExitCode.needsDecision,
    hint: 'Check the database by hand, then `oeflow resolve <run-id> --as done|not-done --reason "…"`.',
  },
  'OEF-052': {
    title: 'Run aborted',
    exitCode: ExitCode.aborted,
    hint: 'Resume with `oeflow resume <run-id>` when ready.',
  },
  'OEF-053': {
    title: 'Roll forward failed with an error exit',
    exitCode: ExitCode.failed,
    hint: 'Read the rfutil messages in `oeflow show <run-id>`. Retry is only for crashes; if you are sure, `oeflow resume <run-id> --retry`. Otherwise restore the copy again.',
  },
  'OEF-054': {
    title: 'A compensation failed',
    exitCode: ExitCode.failed,
    hint: 'The database may be left in a special state (e.g. quiet point enabled): fix it by hand now (e.g. `proquiet <db> disable`).',
  },
  'OEF-055': {
    title: 'Copy invalidated: the world changed while the run was interrupted',
    exitCode: ExitCode.failed,
    hint: 'Nothing to do: the resumed run journaled what it found (quiet point released, database reopened) and started over from its checks.',
  },
  'OEF-056': {
    title: 'The quiet point was released while the copy ran',
    exitCode: ExitCode.failed,
    hint: 'Take the backup again; never disable an oeflow quiet point by hand while its run copies.',
  },
  'OEF-057': {
    title: 'The quiet-point guard did not start',
    exitCode: ExitCode.invariant,
    hint: 'No quiet point was asked and the database was not touched. Check that node can start the guard (`node <oeflow>/dist/src/guard/quiet-guard-main.js` must exist; memory and process limits), then run the backup again.',
  },
  'OEF-060': {
    title: 'Quiet point held longer than --max-quiet',
    exitCode: ExitCode.quietTimeout,
    hint: 'The copy was stopped and the quiet point disabled. Use a faster copy, a snapshot (--snapshot-cmd), or a larger --max-quiet.',
  },
  'OEF-120': {
    title: 'Configuration file invalid',
    exitCode: ExitCode.usage,
    hint: 'Fix the key at the line named (see `oeflow config show` and docs/operations.md for the keys); nothing ran.',
  },
  'OEF-121': {
    title: 'Configuration file readable by others names a secret',
    exitCode: ExitCode.usage,
    hint: 'Make the file readable by its owner only (chmod 600 <file>), or keep the secret out of it; nothing ran.',
  },
  'OEF-122': {
    title: 'Configuration file not found',
    exitCode: ExitCode.usage,
    hint: 'Check --config / OEFLOW_CONFIG: it must name an existing, readable TOML file.',
  },
  'OEF-123': {
    title: 'Passphrase file unusable',
    exitCode: ExitCode.usage,
    hint: 'Name a file readable by its owner only (chmod 600 <file>) whose first line is the passphrase, or set OEFLOW_PASSPHRASE; nothing ran.',
  },
  'OEF-124': {
    title: 'Encrypted database: no passphrase given',
    exitCode: ExitCode.usage,
    hint: "Give the key store passphrase with --passphrase-file <file>, OEFLOW_PASSPHRASE, or passphrase-file in the database's [db.<name>] section; nothing was changed.",
  },
  'OEF-125': {
    title: 'Encrypted database: the passphrase was not accepted',
    exitCode: ExitCode.usage,
    hint: 'The utility refused the passphrase given: check the passphrase file / OEFLOW_PASSPHRASE for this database; nothing was changed.',
  },
  'OEF-126': {
    title: 'Environment variable invalid',
    exitCode: ExitCode.usage,
    hint: 'Fix or unset the variable named (its value must be what the configuration key of the same name takes: see docs/operations.md); nothing ran.',
  },
  'OEF-200': {
    title: 'Database is in use',
    exitCode: ExitCode.invariant,
    hint: 'Nothing may touch the database during an offline copy: stop every process using it (proshut -C list), then run the backup again.',
  },
  'OEF-201': {
    title: 'Scheduled jobs still running',
    exitCode: ExitCode.invariant,
    hint: 'The --jobs-check command reported activity; stop the jobs, then run the backup again.',
  },
  'OEF-202': {
    title: 'After-imaging is not enabled',
    exitCode: ExitCode.invariant,
    hint: 'The procedures need AI enabled: `rfutil <db> -C aimage begin` after a backup.',
  },
  'OEF-203': {
    title: 'No EMPTY AI extent to switch to',
    exitCode: ExitCode.invariant,
    hint: 'Archive the FULL extents and mark them empty (`rfutil <db> -C aimage extent empty`), then run the procedure again.',
  },
  'OEF-204': {
    title: 'A quiet point needs more than one AI extent',
    exitCode: ExitCode.invariant,
    hint: 'Add AI extents (prostrct add) before an online backup with a quiet point.',
  },
  'OEF-205': {
    title: 'Database is not running',
    exitCode: ExitCode.invariant,
    hint: 'An online backup needs the database served: `proserve <db>`.',
  },
  'OEF-206': {
    title: 'Quiet point already enabled',
    exitCode: ExitCode.invariant,
    hint: 'Someone else holds a quiet point: find out who before disabling it (`proquiet <db> disable`).',
  },
  'OEF-207': {
    title: 'The next AI extent waits for replication (LOCKED)',
    exitCode: ExitCode.invariant,
    hint: 'On a replication source a switched AI extent stays LOCKED (or ARCHIVED) until the target has its notes, and it cannot be emptied before: check the replication server and agent (`dsrutil <db> -C status`) and let the target catch up, or add AI extents (prostrct add); then run the procedure again. Nothing was changed.',
  },
  'OEF-208': {
    title: 'BI threshold reached: the database is held quiet',
    exitCode: ExitCode.invariant,
    hint: 'The broker reached its recovery-log threshold (-bithold with -bistall) and keeps the database quiet (proquiet rc 3): raise it (`proquiet <db> bithreshold <MB above the BI size>`) and find what grew the BI (a long transaction); then run the backup again. oeflow enabled and disabled nothing.',
  },
  'OEF-209': {
    title: 'Crash recovery in progress or interrupted (.lk mode 5)',
    exitCode: ExitCode.invariant,
    hint: 'If its process runs, wait until the .lg shows the recovery done (5329, then 10471) and run again. If it is gone, the recovery was interrupted: find out why in the .lg (disk full, BI threshold), then open the database to finish it (proserve <db>, or proutil <db> -C truncate bi offline) and run again. oeflow changed nothing.',
  },
  'OEF-210': {
    title: 'Sequence refused: roll forward has started',
    exitCode: ExitCode.invariant,
    hint: 'Once a roll forward has run, AI is disabled and `rfutil -C sequence` is impossible: restore the copy again and start over.',
  },
  'OEF-211': {
    title: 'Target database is open or in use',
    exitCode: ExitCode.invariant,
    hint: 'Never open the copy before roll forward ends; shut it down, restore the copy again, and restart.',
  },
  'OEF-212': {
    title: 'Restore target is not empty',
    exitCode: ExitCode.usage,
    hint: 'Pass an empty or new --into directory.',
  },
  'OEF-214': {
    title: 'Roll forward retry refused',
    exitCode: ExitCode.invariant,
    hint: 'Retry is only for a roll forward a crash or kill interrupted. Restore the copy again (oeflow restore <backup-id> --into <new dir>) and roll forward the right AI files.',
  },
  'OEF-216': {
    title: 'AI file incomplete during roll forward (9333)',
    exitCode: ExitCode.failed,
    hint: 'The target is partially rolled forward. Put the complete copy of the AI file at the same path, then `oeflow resume <run-id> --retry` (roll forward retry continues on that file).',
  },
  'OEF-215': {
    title: 'Roll forward retry keeps being killed',
    exitCode: ExitCode.failed,
    hint: 'Find what kills rfutil (OOM killer, disk, operator) in the system log, then continue with `oeflow resume <run-id> --retry`.',
  },
  'OEF-213': {
    title: 'Roll forward interrupted (partial)',
    exitCode: ExitCode.failed,
    hint: 'Only `roll forward retry` on the same file continues it: `oeflow resume <run-id>`.',
  },
  'OEF-300': {
    title: 'Copy verification failed',
    exitCode: ExitCode.verification,
    hint: 'A copied file differs from the source (see the listed files); take the copy again.',
  },
  'OEF-301': {
    title: 'Files changed during the copy',
    exitCode: ExitCode.verification,
    hint: 'Something touched the database during the copy; the copy is invalid. Find the process and take the copy again.',
  },
  'OEF-302': {
    title: 'Not enough free space at the destination',
    exitCode: ExitCode.invariant,
    hint: 'Free space or choose another --to directory.',
  },
  'OEF-303': {
    title: 'Destination is inside the database directory',
    exitCode: ExitCode.usage,
    hint: 'Copy to a directory outside the database directory.',
  },
  'OEF-305': {
    title: 'Backup destination is not free',
    exitCode: ExitCode.usage,
    hint: 'Give each backup its own new or empty --to directory; a finished backup is never overwritten.',
  },
  'OEF-304': {
    title: 'Snapshot command failed',
    exitCode: ExitCode.failed,
    hint: 'Run the --snapshot-cmd by hand with the environment shown in `oeflow show <run-id>`.',
  },
  'OEF-306': {
    title: 'Extent path cannot be resolved',
    exitCode: ExitCode.failed,
    hint: 'prostrct list names a relative extent path that does not lead to one existing file: make the paths absolute (prostrct list, edit the .st to full paths, prostrct repair while the database is shut down), then run the backup again.',
  },
  'OEF-307': {
    title: 'The database files cannot be cloned',
    exitCode: ExitCode.invariant,
    hint: '`--copy-method clone` needs the database files and the staging directory on one file system that clones (XFS with reflink, btrfs): use --copy-method auto or copy, or point --staging-dir at that file system outside the database directory.',
  },
  'OEF-308': {
    title: 'The transfer of a clone was interrupted',
    exitCode: ExitCode.failed,
    hint: 'Nothing to do: the run takes a new clone under a new quiet point (`oeflow resume <run-id>` if it stopped).',
  },
  'OEF-309': {
    title: 'The database structure changed during the backup',
    exitCode: ExitCode.failed,
    hint: 'An extent was added or removed between the file list and the quiet point: run the backup again.',
  },
  'OEF-311': {
    title: 'The copy was not synced when the host restarted',
    exitCode: ExitCode.verification,
    hint: 'The OS restarted between the online copy and its seal, so some of its bytes may never have reached the disk: the copy is not used. Take a new backup (`oeflow backup …`) into a new --to directory.',
  },
  'OEF-310': {
    title: 'Backup not found in the catalog',
    exitCode: ExitCode.usage,
    hint: 'List backups with `oeflow backups`.',
  },
  'OEF-320': {
    title: 'AI chain is not provable',
    exitCode: ExitCode.verification,
    hint: 'Find the missing or foreign AI files listed, and replace any listed as incomplete or damaged with a complete copy of that sequence, then run the restore again.',
  },
  'OEF-321': {
    title: 'An AI file given to the restore is an extent of a live database',
    exitCode: ExitCode.usage,
    hint: "Give --ai the archived copies of FULL extents (the AI archiver's directory, or files archived with `rfutil <db> -C aimage extract`), never the extents of a database that is running; to include the changes in its BUSY extent, switch it first (`rfutil <db> -C aimage new`) and archive it. Nothing was restored.",
  },
  'OEF-325': {
    title: 'Compressed AI file cannot be decompressed',
    exitCode: ExitCode.verification,
    hint: "The archive named is corrupt or not in the format its extension says: fetch an intact copy of it from the site's archive (check it with gzip -t / bzip2 -t / zstd -t), then run the command again; nothing was restored.",
  },
  'OEF-326': {
    title: 'Decompression tool not installed',
    exitCode: ExitCode.usage,
    hint: 'Install the tool named (Debian: apt-get install bzip2 / zstd / gzip) or decompress the archives by hand, then run the command again; nothing was restored.',
  },
  'OEF-330': {
    title: 'Run not proven (journal verification failed)',
    exitCode: ExitCode.verification,
    hint: 'The journal was altered or a transition is illegal (see the failed checks of `oeflow verify <run-id>`); keep the store unchanged for investigation.',
  },
  'OEF-331': {
    title: 'Store history not proven against a checkpoint',
    exitCode: ExitCode.verification,
    hint: 'Something recorded before the checkpoint was removed, cut or rewritten (see the problems listed by `oeflow verify --checkpoint`); keep the store and the checkpoint unchanged for investigation.',
  },
  'OEF-332': {
    title: 'Checkpoint file unreadable',
    exitCode: ExitCode.usage,
    hint: 'Pass a file written by `oeflow checkpoint --out <file>` (JSON, format oeflow-checkpoint-v1).',
  },
  'OEF-333': {
    title: 'Report period invalid',
    exitCode: ExitCode.usage,
    hint: 'Give --from and --to as dates (YYYY-MM-DD), --from not after --to.',
  },
} as const satisfies Record<string, CodeEntry>;

export type ErrorCode = keyof typeof errorCodes;

/** True when `v` is a registered code (a journaled failure's code is checked with it when decoded). */
export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && Object.hasOwn(errorCodes, v);
}

/** Base of every error oeflow reports: a stable code, an exit code and the next action. */
export class OeflowError extends Error {
  override readonly name: string = 'OeflowError';
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = errorCodes[code].exitCode;
    this.hint = options.hint ?? errorCodes[code].hint;
    this.details = options.details ?? {};
  }

  /** Plain object for --json output and journal rows. */
  toJSON(): { code: ErrorCode; message: string; hint: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }
}

/** True when `err` is an OeflowError with the given code. */
export function isOeflowError(err: unknown, code?: ErrorCode): err is OeflowError {
  return err instanceof OeflowError && (code === undefined || err.code === code);
}
