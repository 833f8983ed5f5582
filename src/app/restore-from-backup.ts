// What every use of a catalogued backup's AI chain shares (`oeflow restore`, the drill, the
// status and retention checks): where the AI file headers are read, with which clock, and the
// roll-forward input a proven chain becomes. One place, so the commands cannot drift apart.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProcedureInput } from '../../machines/contract.js';
import { sourceClockEnv, type FoundBackup } from '../engine/catalog.js';
import { createTools } from '../openedge/create-tools.js';
import type { OpenEdgeTools } from '../openedge/tools.js';
import type { UtilityParams } from '../openedge/utility-params.js';

/**
 * The tools and database that read a backup's AI file headers (`rfutil aimage scan` needs a
 * database): the source while it exists here, else the backup's copy of it. The utilities run
 * in the source's time zone, in which AI files record their dates (docs/openedge.md).
 */
export function chainScanner(
  found: FoundBackup,
  o: { dlc: string; params?: UtilityParams },
): { tools: OpenEdgeTools; db: string } {
  const clock = sourceClockEnv(found);
  return {
    tools: createTools({ dlc: o.dlc, params: o.params ?? {}, ...(clock ? { env: clock } : {}) }),
    db: existsSync(`${found.db}.db`) ? found.db : join(found.destination, basename(found.db)),
  };
}

/** The roll-forward procedure's input: restore `found` as `targetDb`, then apply `aiFiles` in this order. */
export function restoreInput(
  found: FoundBackup,
  targetDb: string,
  aiFiles: string[],
  until?: string,
  oplock = false,
): ProcedureInput & { procedure: 'roll-forward'; aiFiles: string[] } {
  return {
    procedure: 'roll-forward',
    db: targetDb,
    targetDb,
    backupDir: found.destination,
    aiFiles,
    pairedAiSeq: found.pairedAiSeq,
    replication: found.replication,
    ...(found.aiBeginDate ? { aiBeginDate: found.aiBeginDate } : {}),
    ...(until ? { until } : {}),
    ...(oplock ? { oplock } : {}),
    ...(found.manifestDigest ? { manifestDigest: found.manifestDigest } : {}),
  };
}
