// Dry-run plans (issue 4, `--plan`): inspect the live database read-only and list the
// exact commands a run would execute, the AI sequence involved, and every precondition.
// The commands come from the machine's main path through the steps' declarations
// (main-path.ts); this file adds only what the plan reads from the database.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { destinationProblem, probeClone, stagingRootFor } from '../copy/index.js';
import { offlineWarnings } from './offline-warnings.js';
export { isEffectCommand } from '../steps/effect-commands.js';
import { dbPaths } from '../openedge/dlc.js';
import type { OpenEdgeTools } from '../openedge/tools.js';
import type { BusyState } from '../openedge/types.js';
import type { PlanWorld } from '../steps/step.js';
import type { ProcedureInput } from '../../machines/contract.js';
import { machines } from '../../machines/index.js';
import { mainPath, type PathStep } from './main-path.js';
import { allCalls } from '../openedge/all-calls.js';

/** A state-changing command, as the run's journal will record it (utility first). */
export interface PlannedCommand {
  kb: string;
  argv: string[];
  note?: string;
}

export interface Precondition {
  check: string;
  ok: boolean;
  detail: string;
}

export interface Plan {
  procedure: ProcedureInput['procedure'];
  db: string;
  preconditions: Precondition[];
  ready: boolean;
  commands: PlannedCommand[];
  /** Backups: the AI sequence the switch will make BUSY (roll forward starts there). */
  aiSeqToBecomeBusy?: number | null;
  /** Restore: the AI files that will be applied, in order. */
  aiFiles?: string[];
  copy?: string;
  /** Online backups (issue 14): clone, copy or snapshot, as the run would choose now. */
  copyMethod?: 'clone' | 'copy' | 'snapshot';
  /** What the run will do that the operator may not mean (e.g. a restart without parameters). */
  warnings?: string[];
}

/** Plan an offline or online backup of `input.db`. */
export async function planBackup(tools: OpenEdgeTools, input: ProcedureInput): Promise<Plan> {
  const db = input.db;
  const online = input.procedure === 'online-backup';
  const exists = existsSync(dbPaths(db).dbFile);
  const pre: Precondition[] = [{ check: 'database exists', ok: exists, detail: dbPaths(db).dbFile }];
  if (!exists) return { procedure: input.procedure, db, preconditions: pre, ready: false, commands: [] };
  const [busy, list, desc] = await allCalls([tools.busy(db), tools.aimageList(db), tools.describe(db)]);
  const extents = list.value;
  const busyExt = extents.find((e) => e.status === 'Busy');
  const next = busyExt ? extents[(extents.indexOf(busyExt) + 1) % extents.length] : undefined;
  pre.push({
    check: 'after-imaging enabled',
    ok: desc.value.aiEnabled && extents.length > 0,
    detail: desc.value.aiBeginDate ? `AI begin ${desc.value.aiBeginDate}` : 'AI disabled',
  });
  pre.push({
    check: 'next AI extent is EMPTY',
    ok: next?.status === 'Empty' && next !== busyExt,
    detail: next ? `extent ${next.extent} (${next.path}) is ${next.status}` : 'no BUSY extent',
  });
  // a database held single-user (a utility, a -1 session) is neither served nor stoppable by proshut
  const holder = busy.value === 'in-use' ? (await tools.holder(db)).value : null;
  pre.push({
    check: 'database not held single-user',
    ok: holder !== 'single-user',
    detail: `proutil -C holder: ${holder ?? 'not in use'}`,
  });
  if (online) {
    pre.push({ check: 'database is running', ok: busy.value === 'in-use', detail: `proutil -C busy: ${busy.value}` });
    pre.push({ check: 'more than one AI extent', ok: extents.length > 1, detail: `${extents.length} AI extents` });
  }
  if (input.destination !== undefined) {
    const problem = await destinationProblem(input.destination, dbPaths(db).dir, false);
    pre.push({
      check: 'destination can take the copy',
      ok: problem === null,
      detail: problem ? `${problem.code} ${problem.message}` : input.destination,
    });
  }
  const copyMethod = online
    ? await plannedCopyMethod(
        input,
        extents.map((e) => e.path),
      )
    : undefined;
  if (copyMethod !== undefined) pre.push({ check: 'copy method', ok: copyMethod.ok, detail: copyMethod.detail });
  const commands = plannedCommands(mainPath(machines[input.procedure], input, worldOf(busy.value, copyMethod?.method)));
  return {
    warnings: offlineWarnings(input),
    procedure: input.procedure,
    db,
    preconditions: pre,
    ready: pre.every((p) => p.ok),
    commands,
    aiSeqToBecomeBusy: busyExt ? busyExt.seqno + 1 : null,
    ...(copyMethod ? { copyMethod: copyMethod.method } : {}),
    // prostrct list is a read (not journaled as a change), so it is named here, not in commands.
    copy: `every extent \`prostrct list ${db} <temp .st>\` reports at copy time, plus .db and that current .st → ${input.destination ?? '?'} (sha256 manifest, verified)`,
  };
}

/** Plan a restore + roll forward of a proven AI chain into `input.db`. */
export function planRestore(input: ProcedureInput, proven: { ok: boolean; problems: { message: string }[] }): Plan {
  const db = input.db;
  const files = input.aiFiles ?? [];
  const pre: Precondition[] = [
    { check: 'restore target is free', ok: !existsSync(dbPaths(db).dbFile), detail: dbPaths(db).dbFile },
    {
      check: 'AI chain proven',
      ok: proven.ok,
      detail: proven.ok
        ? `${files.length} files from sequence ${input.pairedAiSeq}`
        : proven.problems.map((p) => p.message).join('; '),
    },
  ];
  const commands = plannedCommands(mainPath(machines['roll-forward'], input));
  return {
    procedure: 'roll-forward',
    db,
    preconditions: pre,
    ready: pre.every((p) => p.ok),
    commands,
    aiFiles: files,
    copy: `${input.backupDir} → ${dbPaths(db).dir} (verified against the backup's manifest)`,
  };
}

/** The commands of a main path, as the journal will record them (utility first), under the article step of their state. */
export function plannedCommands(path: readonly PathStep[]): PlannedCommand[] {
  return path.flatMap((s) =>
    s.commands.map((c) => ({
      kb: s.kb,
      argv: [c.utility, ...c.args],
      ...(c.note === undefined ? {} : { note: c.note }),
    })),
  );
}

function worldOf(busy: BusyState, copyMethod: PlanWorld['copyMethod']): PlanWorld {
  return copyMethod === undefined ? { busy } : { busy, copyMethod };
}

/** What a backup's path depends on in the live database now (read-only): whether it is served, and the copy method. */
export async function backupWorld(tools: OpenEdgeTools, input: ProcedureInput): Promise<PlanWorld> {
  const [busy, list] = await allCalls([tools.busy(input.db), tools.aimageList(input.db)]);
  const method =
    input.procedure === 'online-backup'
      ? (
          await plannedCopyMethod(
            input,
            list.value.map((e) => e.path),
          )
        ).method
      : undefined;
  return worldOf(busy.value, method);
}

/** Human rendering of a plan. */
export function renderPlan(p: Plan): string {
  return [
    `plan: ${p.procedure} on ${p.db} — ${p.ready ? 'ready' : 'NOT READY'} (nothing was changed)`,
    ...p.preconditions.map((c) => `  ${c.ok ? '✔' : '✖'} ${c.check}: ${c.detail}`),
    ...(p.aiSeqToBecomeBusy !== undefined
      ? [`  AI sequence that will become BUSY (roll forward starts there): ${p.aiSeqToBecomeBusy}`]
      : []),
    ...(p.copy ? [`  copy: ${p.copy}`] : []),
    '  commands:',
    ...p.commands.map((c) => `    ${c.kb.padEnd(9)} ${c.argv.join(' ')}${c.note ? `   # ${c.note}` : ''}`),
    ...(p.warnings ?? []).map((w) => `  warning: ${w}`),
  ].join('\n');
}

/**
 * The copy method an online run would take: the same clone probe as prepareCopy, on the .db
 * and the AI extents, into the staging root (or, when it does not exist yet, the directory it
 * would be made in, so the plan creates nothing that stays).
 */
async function plannedCopyMethod(
  input: ProcedureInput,
  aiPaths: string[],
): Promise<{ method: 'clone' | 'copy' | 'snapshot'; ok: boolean; detail: string }> {
  if ((input.snapshotCmd ?? '') !== '')
    return { method: 'snapshot', ok: true, detail: 'snapshot: your --snapshot-cmd runs under the quiet point' };
  const requested = input.copyMethod ?? 'auto';
  if (requested === 'copy')
    return { method: 'copy', ok: true, detail: 'copy (--copy-method copy): the quiet point lasts as long as the copy' };
  const root = stagingRootFor(dbPaths(input.db).dir, input.stagingDir);
  const probe = await probeClone([dbPaths(input.db).dbFile, ...aiPaths], existsSync(root) ? root : dirname(root));
  if (probe.ok)
    return {
      method: 'clone',
      ok: true,
      detail: `clone: the files are cloned into ${root} under the quiet point, copied to the destination after it`,
    };
  return {
    method: 'copy',
    ok: requested !== 'clone',
    detail: requested === 'clone' ? `OEF-307 ${probe.reason}` : `copy (${probe.reason})`,
  };
}
