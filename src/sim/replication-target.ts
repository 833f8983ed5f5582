// `oeflow sim replication <db> --target connected|offline`: take a replication source's target
// offline (switched AI extents then stay LOCKED, docs/openedge.md §3.13) or bring it back (what
// waited is replicated at once while the source is served). Online or offline.
import { OeflowError } from '../errors.js';
import { brokerRunningAt } from './liveness.js';
import { appendLog } from './log-file.js';
import { readMaster, withLockSync, writeMaster } from './master-block.js';
import { dbPaths } from './paths.js';
import { replicateLocked } from './replication.js';

export interface ReplicationTargetResult {
  db: string;
  target: 'connected' | 'offline';
  /** AI extent states after the change, in extent order. */
  extents: string[];
}

/** Set the target of replication source `db` (OEF-001 when `db` is no replication source). */
export function setReplicationTarget(db: string, target: 'connected' | 'offline'): ReplicationTargetResult {
  const served = brokerRunningAt(db) !== null; // OEF-011 when there is no such database
  const paths = dbPaths(db);
  return withLockSync(paths, () => {
    const mb = readMaster(paths);
    if (mb.replication !== 'source')
      throw new OeflowError('OEF-001', `${paths.base} is not a replication source (replication: ${mb.replication})`, {
        hint: 'Create one with `oeflow sim init --replication source`, or `proutil <db> -C enablesitereplication source`.',
      });
    mb.replicationTarget = target;
    const logs = target === 'connected' ? replicateLocked(mb, served) : [];
    writeMaster(paths, mb);
    appendLog(paths.lg, { tag: 'RPLS', usr: 0 }, logs);
    return { db: paths.base, target, extents: mb.ai.extents.map((e) => e.status) };
  });
}
