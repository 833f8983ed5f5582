// Machine definitions that are no longer current but that past runs ran under, frozen as
// they shipped (a copy of the machine module, with any shared helper it used copied too, so
// a later edit of machines/*.ts cannot change them). Keyed by the hash the runs recorded;
// the versions test checks each still hashes to its key.
import type { AnyStateMachine } from 'xstate';

export interface ArchivedDefinition {
  machineId: string;
  hash: string;
  machine: AnyStateMachine;
}

/** Empty while every shipped definition is still the current one (see shipped.ts). */
export const archivedDefinitions: readonly ArchivedDefinition[] = [];
