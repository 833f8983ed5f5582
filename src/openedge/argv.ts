// Pure argv builders, one per utility call in tools.ts (docs/openedge.md §1–§6 syntax).
// The database argument is passed exactly as given; dlc.ts resolves it beforehand.

/** `proshut <db> -by | -bn | -byF` (docs/openedge.md §1). */
export function proshutArgv(db: string, mode: 'by' | 'bn' | 'byF'): string[] {
  return [db, `-${mode}`];
}

/** `proserve <db> <parameters…>` (docs/openedge.md §2). */
export function proserveArgv(db: string, args: readonly string[]): string[] {
  return [db, ...args];
}

/** `proutil <db> -C busy` (rc 0/6/64). */
export function busyArgv(db: string): string[] {
  return [db, '-C', 'busy'];
}

/** `proutil <db> -C holder` (rc 0/14/16). */
export function holderArgv(db: string): string[] {
  return [db, '-C', 'holder'];
}

/** `proutil <db> -C truncate bi` (OFFLINE-2). */
export function truncateBiArgv(db: string): string[] {
  return [db, '-C', 'truncate', 'bi'];
}

/** `proutil <db> -C describe`. */
export function describeArgv(db: string): string[] {
  return [db, '-C', 'describe'];
}

/** `proutil <db> -C disablesitereplication source|target` (RF-3). */
export function disableSiteReplicationArgv(db: string, role: 'source' | 'target'): string[] {
  return [db, '-C', 'disablesitereplication', role];
}

/** `rfutil <db> -C aimage list` (short form of `aimage extent list`, docs/openedge.md §4). */
export function aimageListArgv(db: string): string[] {
  return [db, '-C', 'aimage', 'list'];
}

/** `rfutil <db> -C aimage new` (OFFLINE-4). */
export function aimageNewArgv(db: string): string[] {
  return [db, '-C', 'aimage', 'new'];
}

/** `rfutil <db> -C aimage scan -a <ai-file>`: header of any AI file, against any database. */
export function aimageScanArgv(db: string, aiFile: string): string[] {
  return [db, '-C', 'aimage', 'scan', '-a', aiFile];
}

/** `rfutil <db> -C mark backedup` (OFFLINE-6). */
export function markBackedupArgv(db: string): string[] {
  return [db, '-C', 'mark', 'backedup'];
}

/** `rfutil <db> -C sequence` (RF-4). */
export function sequenceArgv(db: string): string[] {
  return [db, '-C', 'sequence'];
}

/** `rfutil <db> -C roll forward [retry|oplock] [endtime yyyy:mm:dd:hh:mm:ss] -a <ai-file>` (RF-5/RF-5r; oplock: docs/openedge.md §4.41). */
export function rollForwardArgv(
  db: string,
  aiFile: string,
  o: { retry?: boolean; oplock?: boolean; endtime?: string } = {},
): string[] {
  return [
    db,
    '-C',
    'roll',
    'forward',
    ...(o.retry ? ['retry'] : []),
    ...(o.oplock ? ['oplock'] : []),
    ...(o.endtime === undefined ? [] : ['endtime', o.endtime]),
    '-a',
    aiFile,
  ];
}

/** `proquiet <db> enable` (ONLINE-1). */
export function quietEnableArgv(db: string): string[] {
  return [db, 'enable'];
}

/** `proquiet <db> disable` (ONLINE-4). */
export function quietDisableArgv(db: string): string[] {
  return [db, 'disable'];
}

/** `prostrct list <db> [st-file]`: writes the .st (default `<db>.st`). */
export function prostrctListArgv(db: string, stFile?: string): string[] {
  return ['list', db, ...(stFile === undefined ? [] : [stFile])];
}

/** `prostrct repair <db> <st-file>` (RF-2). */
export function prostrctRepairArgv(db: string, stFile: string): string[] {
  return ['repair', db, stFile];
}

/**
 * True when `words` name this call among its utility's calls: they occur as a run of whole
 * arguments (`-C aimage new` in `db -C aimage new`); no words name every call of the utility.
 */
export function namesCall(args: readonly string[], words: readonly string[]): boolean {
  return words.length === 0 || ` ${args.join(' ')} `.includes(` ${words.join(' ')} `);
}
