// Hints name the real run, database and backup where the command knows them: the table's
// generic `oeflow resume <run-id>` becomes `oeflow resume run-…` (a DBA copies it as it is).

export interface HintValues {
  runId?: string | undefined;
  db?: string | undefined;
  backupId?: string | undefined;
}

/** The hint with every placeholder whose value is known filled in; the others stay. */
export function concreteHint(hint: string, v: HintValues): string {
  let out = hint;
  if (v.runId) out = out.replaceAll('<run-id>', v.runId).replaceAll('<runId>', v.runId);
  if (v.db) out = out.replaceAll('<db>', v.db);
  if (v.backupId) out = out.replaceAll('<backup-id>', v.backupId);
  return out;
}

/** The values an error's details name (runId, db, backupId), for its hint. */
export function hintValuesOf(details: Readonly<Record<string, unknown>>): HintValues {
  const text = (k: string) => (typeof details[k] === 'string' ? details[k] : undefined);
  return { runId: text('runId'), db: text('db'), backupId: text('backupId') };
}
