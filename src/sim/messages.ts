// The message catalogue: every text the simulated utilities print or log, with its
// Progress number, in one place. Numbers 90001+ are the simulator's own inventions for
// texts no source gave a number for (docs/simulator.md, fidelity table): they can never
// collide with a real promsgs number.

export interface Msg {
  /** null → logged as `(-----)`, printed without a number. */
  readonly num: number | null;
  readonly text: string;
}

const m = (num: number | null, text: string): Msg => ({ num, text });

/** Screen form: `text (nnnn)`. */
export function screen(msg: Msg): string {
  return msg.num === null ? msg.text : `${msg.text} (${msg.num})`;
}

/** .lg form: `(nnnn) text` or `(-----) text`. */
export function logForm(msg: Msg): string {
  return `(${msg.num === null ? '-----' : String(msg.num)}) ${msg.text.trimStart()}`;
}

export const msg = {
  // files and locking (docs/openedge.md §2, §6)
  cannotOpen: (path: string) => m(43, `** Cannot find or open file ${path}, errno = 2.`),
  inUseSingle: (db: string) => m(263, `** The database ${db} is in use in single-user mode.`),
  inUseMulti: (db: string) => m(276, `** The database ${db} is in use in multi-user mode.`),
  brokerDisappeared: (db: string) => m(4194, `Broker disappeared, updating ${db}.lk file.`),
  lkMissing: (db: string) => m(4195, `${db}.lk is missing, shutting down...`),
  prostrctNoDb: (file: string) => m(6921, `PROSTRCT LIST: file ${file} does not exist, command ignored.`),
  noFileStatus: (path: string) => m(12475, `Unable to get file status for extent ${path}.`),
  // broker (docs/openedge.md §2)
  sessionBegin: () => m(333, 'Multi-user session begin.'),
  sessionEnd: (kind: string) => m(334, `${kind} session end.`),
  release: (version: string, platform: string) => m(4234, `Progress OpenEdge Release ${version} on ${platform}.`),
  connectionsEnabled: () => m(10471, 'Database connections have been enabled.'),
  parameter: (text: string) => m(null, text),
  loginBy: (user: string, tty: string) => m(452, `Login by ${user} on ${tty}.`),
  logoutBy: (user: string, tty: string) => m(453, `Logout by ${user} on ${tty}.`),
  usrSetName: (usr: number, name: string) => m(7129, `Usr ${usr} set name to ${name}.`),
  // shutdown (docs/openedge.md §1)
  shutdownExecuting: () => m(1613, 'Shutdown is executing.'),
  shutdownComplete: () => m(1614, 'Shutdown complete.'),
  noServer: (db: string) => m(1423, `There is no server for database ${db}.`),
  sendingSignal: (sig: number, n: number) => m(2261, `Sending signal ${sig} to ${n} connected user(s).`),
  usersConnected: (n: number) => m(90031, `Shutdown cancelled: ${n} user(s) still connected (-bn).`),
  extreme: () =>
    m(
      null,
      'This is rather extreme. All the processes connected to the database will be destroyed. Do you really want to?',
    ),
  confirm: () => m(null, 'Please confirm by entering y for yes:'),
  emergencyCancelled: () => m(6795, 'Emergency shutdown cancelled.'),
  emergencyShutdown: () => m(90032, 'Emergency shutdown: the broker was killed, the database is marked crashed.'),
  userDisconnect: (usr: number) => m(null, `User ${usr} disconnect initiated`),
  // after-imaging (docs/openedge.md §4, §7)
  switched: (name: string) => m(3777, `Switched to ai extent ${name}.`),
  fileNumberSinceBegin: (n: number) => m(3778, `This is after-image file number ${n} since the last AIMAGE BEGIN`),
  markedEmpty: (name: string) => m(3789, `Marked after-image extent ${name} EMPTY.`),
  backupAiExtent: () => m(3776, 'Backup ai extent and mark it as empty.'),
  copiedTo: (from: string, to: string) => m(13199, `After-image extent ${from} has been copied to ${to}.`),
  cannotSwitch: (name: string) => m(90001, `Can't switch to after-image extent ${name} it is full.`),
  aiNotEnabled: (db: string) => m(90002, `After-imaging is not enabled for database ${db}.`),
  aiAlreadyEnabled: (db: string) => m(90003, `After-imaging is already enabled for database ${db}.`),
  modifiedSinceBackup: () =>
    m(90004, 'The database has been modified since it was last backed up; after-imaging was not enabled.'),
  aiBegun: () => m(90005, 'After-imaging has been enabled.'),
  aiDisabled: () => m(846, 'After-image disabled.'),
  markedBackedUp: (db: string, counter: number) =>
    m(90006, `Database ${db} has been marked as backed up (backup counter ${counter}).`),
  noFullExtent: () => m(90007, 'There are no FULL after-image extents.'),
  cannotEmpty: (name: string, status: string) =>
    m(90008, `Cannot empty after-image extent ${name}: its status is ${status.toUpperCase()}.`),
  noSuchExtent: (what: string) => m(90009, `After-image extent ${what} does not exist.`),
  aiStalled: () => m(90010, 'Forward processing stalled until database administrator intervention.'),
  aiContinuing: () => m(90011, 'Forward processing continuing.'),
  aiFullShutdown: () => m(90012, 'After-image area is full and no extent is EMPTY: the database is shutting down.'),
  archiverEnabled: (dirs: string) =>
    m(13231, `From this point forward all after-image extents will be archived to ${dirs}.`),
  archiverDisabled: () => m(90013, 'The After-image File Management Archiver has been disabled.'),
  markedArchived: (name: string) => m(13154, `Marked after-image extent ${name} ARCHIVED.`),
  emptyRefusedArchiver: () =>
    m(
      90040,
      'aimage extent empty is not allowed while After-image File Management is enabled; the archiver empties extents itself.',
    ),
  archiverBadInterval: (value: string) =>
    m(90041, `-aiarcinterval ${value} is not valid: give 0 (on demand) or 120 to 86400 seconds.`),
  archiveTargetExists: (path: string) => m(90042, `The archive target ${path} already exists.`),
  archiverNoDir: (dir: string) =>
    m(90043, `The After-image File Management Archiver cannot write to ${dir}: the directory does not exist.`),
  archiverEnded: () => m(90044, 'The After-image File Management Archiver has been ended.'),
  archiverSetting: (what: string) => m(90045, `After-image File Management ${what}.`),
  // sequence (docs/openedge.md §4)
  aiSequenceChanged: (from: number, to: number) => m(12428, `Ai sequence ${from} changed to ${to}`),
  sequenceRefused: (db: string) =>
    m(90014, `Cannot change the ai sequence of ${db}: after-imaging is disabled (a roll forward has been run).`),
  // roll forward (docs/openedge.md §4.28, §4)
  rfWarning: () => m(663, 'WARNING: ROLL FORWARD disables after-imaging.'),
  rfReenable: () => m(648, 'After this is complete, you should re-enable it.'),
  rfContinued: () => m(659, 'If you desire continued after-image protection'),
  rfAiMgmtDisabled: () => m(13292, 'After-image Extent Management has been disabled for the database.'),
  beginProcessing: (path: string) => m(17047, `***Beginning processing of After-image extent ${path}`),
  aiDates: () => m(1633, 'After-image dates for this after-image file:'),
  lastBegin: (date: string) => m(1640, `    Last AIMAGE BEGIN ${date}`),
  lastNew: (date: string) => m(1641, `    Last AIMAGE NEW ${date}`),
  aimageFileNumber: (n: number) => m(1642, `    This is aimage file number ${n} since the last AIMAGE BEGIN.`),
  lastOpened: (date: string) => m(1643, `    This file was last opened for output on ${date}.`),
  notesProcessed: (n: number) => m(1634, `${n} notes were processed.`),
  inFlight: (n: number) => m(3785, `${n} in-flight transactions.`),
  txStarted: (n: number) => m(1635, `${n} transactions were started.`),
  txCompleted: (n: number) => m(11138, `${n} transactions were completed.`),
  txStillActive: (n: number) => m(1636, `At the end of the .ai file, ${n} transactions were still active.`),
  rfCompleted: (path: string) => m(90015, `Completed roll forward of after-image extent ${path}.`),
  lastChanged: (date: string) => m(831, `** The database was last changed ${date}.`),
  aiExpected: (date: string) => m(832, `** The after-image file expected ${date}.`),
  datesMismatch: () => m(833, "** Those dates don't match, so you have the wrong copy of one of them."),
  expectedAiFile: (expected: number, got: number) =>
    m(8019, `Expected ai file number ${expected} but file specified is ${got} in sequence.`),
  rfOpenError: (file: string) => m(11014, `roll forward open ${file} error: -1.`),
  rollLocated: (date: string) =>
    m(17923, `Roll Forward to ${date} has been located, further roll forward operations are invalid.`),
  emptyAiFile: (file: string) => m(90016, `Can't roll forward an empty after-image extent file ${file}.`),
  notAiFile: (file: string) => m(90017, `${file} is not a valid after-image file.`),
  skippedNotAi: (file: string) => m(90018, `WARNING: ${file} is not an after-image file, it is skipped.`),
  retryRequired: (file: string, seq: number) =>
    m(
      90019,
      `The roll forward of ${file} (file number ${seq}) did not complete; only roll forward retry with that file can continue.`,
    ),
  retryWrongFile: (file: string, seq: number) =>
    m(90020, `Roll forward retry must use the file that was interrupted: ${file} (file number ${seq}).`),
  aiFileOtherDb: (file: string) => m(90021, `${file} belongs to another database (after-image begin dates differ).`),
  incompleteAi: (expected: number, got: number) =>
    m(9333, `Incomplete ai file detected, expected ${expected}, got ${got}.`),
  noteCounts: () => m(1029, "SYSTEM ERROR: Note leading and trailing counts don't match"),
  // KB P61656 / KB 000041245: the next roll forward after a failed `-i` one
  tranTableMismatch: () => m(4554, 'rlaiextrd: Transaction table mismatch ptran: 0 note 1.'),
  // ROLL FORWARD OPLOCK (docs/openedge.md §4.41): the texts of the docs' message list, which
  // shows no numbers
  oplockLocked: () => m(null, 'Target database has been locked during roll forward process.'),
  oplockWait: () =>
    m(
      null,
      'Please wait until the roll forward process is finished or use the rfutil -C roll opunlock option to disable the protection.',
    ),
  oplockUnlocked: () => m(null, 'Target database has been unlocked during roll forward process.'),
  notOplocked: (db: string) => m(90052, `The database ${db} is not under roll forward protection.`),
  rollAfterOpunlock: () => m(null, 'Roll forward process has been stopped with the opunlock option.'),
  applyNote: (bkupdctr: number, noteUpdctr: number) =>
    m(1028, `SYSTEM ERROR: Rollforward Apply AI note, BKUPDCTR=${bkupdctr}, note updctr=${noteUpdctr}.`),
  noteLocation: (area: number, dbkey: number, recordType: number) =>
    m(8999, `area ${area}, dbkey ${dbkey}, record type ${recordType}`),
  // `aimage scan verbose` / `roll forward verbose` note lines, as real scripts show them (docs/simulator.md, fidelity row 4.27)
  noteCode: (code: string) => m(1637, `code = ${code}`),
  transactionIndex: (n: number) => m(1638, `transaction index = ${n}`),
  tridLine: (trid: number, date: string) => m(2598, `Trid: ${trid} ${date}.`),
  userIdLine: (user: string) => m(2599, `User Id: ${user}.`),
  noteArea: (area: number, dbkey: number, updctr: number) =>
    m(9016, `area = ${area}   dbkey = ${dbkey}   update counter = ${updctr}`),
  // quiet point (docs/openedge.md §5)
  quietLogin: (user: string, tty: string) => m(5569, `Quiet point request login by ${user} on ${tty}.`),
  quietLogout: () => m(5570, 'Quiet point request logout'),
  quietEnabled: () => m(5583, 'Quiet point has been enabled by the broker.'),
  quietDisabled: () => m(5584, 'Quiet point has been disabled by the broker.'),
  quietSingleExtent: () => m(90022, 'Cannot enable proquiet with a single AI file.'),
  quietRequested: () => m(90023, 'Quiet point has already been requested.'),
  quietSwitchFailed: () => m(90024, 'Quiet point cannot be enabled because of an ai switch failure.'),
  quietInEffect: () => m(90025, 'Enabling the quiet point is already in effect.'),
  quietNotNeeded: () => m(90026, 'Quiet point does not need to be disabled.'),
  quietNoBroker: () => m(90027, 'Broker does not exist or a shutdown request was received.'),
  quietBrokerDied: () => m(90046, 'Broker died during a quiet point enable request.'),
  // BI threshold (-bithold/-bistall, proquiet bithreshold): rc 3 text from KB P41028, the others
  // from the engine's strings (docs/openedge.md §5); numbers invented
  quietBiThreshold: () =>
    m(
      90047,
      'The BI threshold has been reached. You must extend the BI using the bithreshold option first before you can disable the quiet point.',
    ),
  biThresholdReached: (mbSize: number) => m(90048, `Recovery log threshold of ${mbSize} MB has been reached.`),
  biThresholdChanged: (from: number, to: number) =>
    m(90049, `RL File Threshold size has been changed from ${from} MB to ${to} MB.`),
  biThresholdRejected: (why: string) => m(90050, `Request to change RL File Threshold value rejected: ${why}.`),
  biThresholdShutdown: () =>
    m(90051, 'The recovery log threshold has been reached: the database is shutting down (no -bistall).'),
  // crash recovery and backout (message numbers and texts from a public .lg parser: docs/simulator.md)
  redoBegin: (block: number) => m(5326, `Begin Physical Redo Phase at ${block} .`),
  redoDone: (block: number, offset: number, upd: number) =>
    m(7161, `Physical Redo Phase Completed at blk ${block} off ${offset} upd ${upd}.`),
  physicalUndo: (n: number, block: number, offset: number) =>
    m(7163, `Begin Physical Undo ${n} transactions at block ${block} offset ${offset}`),
  logicalUndo: (n: number) => m(7162, `Begin Logical Undo Phase, ${n} incomplete transactions are being backed out.`),
  logicalUndoDone: () => m(5329, 'Logical Undo Phase Complete.'),
  backoutBegin: () => m(2252, 'Begin transaction backout'),
  backoutDone: () => m(2253, 'Transaction backout completed.'),
  // proutil (docs/openedge.md §3)
  biTruncated: () => m(1526, 'The BI file is being automatically truncated.'),
  notInUse: (db: string) => m(90028, `The database ${db} is not in use.`),
  startingUp: (db: string) => m(90029, `The database ${db} is in process of starting up.`),
  replicationEnabled: (role: string) =>
    m(90033, `OpenEdge Replication has been enabled for this database as a ${role}.`),
  replicationDisabled: (role: string) => m(90034, `OpenEdge Replication has been disabled for this ${role} database.`),
  replicationWrongRole: (role: string, actual: string) =>
    m(90035, `The database is not a replication ${role} (replication: ${actual}).`),
  // prostrct (docs/openedge.md §6)
  repairRelative: (path: string) => m(90036, `prostrct repair needs a full path name for extent ${path}.`),
  repairMismatch: (detail: string) => m(90037, `prostrct repair cannot add or remove extents: ${detail}.`),
  repairDone: (db: string) => m(90038, `The extent locations of ${db} have been updated.`),
  // usage
  usage: (utility: string, detail: string, syntax: string) => m(90039, `${utility}: ${detail}. Syntax: ${syntax}`),
} as const;
