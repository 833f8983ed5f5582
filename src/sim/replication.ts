// AI extent states on an OpenEdge Replication source (docs/openedge.md §3.13, §4.4): a switch
// leaves the old extent LOCKED, not FULL, until its notes have been sent to and applied by the
// target; then it becomes FULL, or EMPTY when the AI archiver had already archived it (ARCHIVED:
// archived, not yet replicated). LOCKED extents cannot be emptied. The target is modelled by one
// master-block field: connected (the default) or offline (`oeflow sim replication <db>
// --target offline`). A connected target is taken to keep up [I]: while the source is served, a
// LOCKED extent is replicated as soon as it switches, when the broker starts, and when the
// target comes back online. Callers hold the master-block lock and write `mb` afterwards.
import { basename } from 'node:path';
import { emptyAiFile, preallocOf } from './ai-file.js';
import { aiExtents, type AiStatus, type MasterBlock } from './master-block.js';
import { msg, type Msg } from './messages.js';

/** True for a replication source whose target is offline (nothing is replicated). */
export function targetOffline(mb: MasterBlock): boolean {
  return mb.replicationTarget === 'offline';
}

/** The state a BUSY extent takes when it is switched away from: LOCKED on a replication source. */
export function switchedStatus(mb: MasterBlock): AiStatus {
  return mb.replication === 'source' ? 'Locked' : 'Full';
}

/**
 * Replicate what can be (a source, served, target connected): LOCKED → FULL, ARCHIVED → EMPTY
 * (the archiver already has its copy). Returns the `.lg` lines: 3789 for an extent emptied.
 */
export function replicateLocked(mb: MasterBlock, served: boolean): Msg[] {
  if (mb.replication !== 'source' || !served || targetOffline(mb)) return [];
  return settle(mb);
}

/** Replication turned off (disablesitereplication, aimage end, roll forward): nothing waits for a target any more [I]. */
export function releaseReplicationStates(mb: MasterBlock): void {
  settle(mb);
}

function settle(mb: MasterBlock): Msg[] {
  const files = aiExtents(mb);
  const logs: Msg[] = [];
  mb.ai.extents.forEach((e, i) => {
    if (e.status === 'Locked') e.status = 'Full';
    else if (e.status === 'Archived') {
      const f = files[i];
      if (f !== undefined) emptyAiFile(f.path, preallocOf(f));
      mb.ai.extents[i] = { status: 'Empty', seqno: 0, startDate: null, lastOp: null };
      logs.push(msg.markedEmpty(basename(f?.path ?? '')));
    }
  });
  return logs;
}
