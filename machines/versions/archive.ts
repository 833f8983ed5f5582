// Machine definitions that are no longer current but that past runs ran under, frozen as
// they shipped (a copy of the machine module, with any shared helper it used copied too, so
// a later edit of machines/*.ts cannot change them). Keyed by the hash the runs recorded;
// the versions test checks each still hashes to its key.
import type { AnyStateMachine } from 'xstate';
import { offlineBackupMachine as offline010 } from './v0.1.0/offline-backup.js';
import { onlineBackupMachine as online010 } from './v0.1.0/online-backup.js';
import { offlineBackupMachine as offline020 } from './v0.2.0/offline-backup.js';
import { onlineBackupMachine as online020 } from './v0.2.0/online-backup.js';
import { offlineBackupMachine as offline030 } from './v0.3.0/offline-backup.js';
import { onlineBackupMachine as online030 } from './v0.3.0/online-backup.js';
import { rollForwardMachine as rollForward030 } from './v0.3.0/roll-forward.js';

export interface ArchivedDefinition {
  machineId: string;
  hash: string;
  machine: AnyStateMachine;
}

/** Definitions of earlier releases (see shipped.ts for which release shipped which hash). */
export const archivedDefinitions: readonly ArchivedDefinition[] = [
  {
    machineId: 'offline-backup',
    hash: '81ff4b6cceb6b6cda411e43b680a0033d46fde81bdde66f43fe0f8cb7059c156',
    machine: offline010,
  },
  {
    machineId: 'online-backup',
    hash: '0effd1c999c240453facf37301e0c47f56121ec845e7fa3366714909583e568f',
    machine: online010,
  },
  {
    machineId: 'offline-backup',
    hash: 'd41f6da22d598b47ef95377651735c3644b8b561b3c5177036a5795a591d39a8',
    machine: offline020,
  },
  {
    machineId: 'online-backup',
    hash: 'afb0990a0f54a516dbf14705e53b38130a9e6b6840b5148aae19d3899fb34566',
    machine: online020,
  },
  {
    machineId: 'offline-backup',
    hash: '6b760e95ad1c5a37441a4da62839de91e668e1b82a36114daaa35b5f5ea3f72a',
    machine: offline030,
  },
  {
    machineId: 'online-backup',
    hash: '6772c3509b86bccff291fed9f52f652e3965cc6e34b8ce1ffa1ddfb085501546',
    machine: online030,
  },
  // the roll-forward definition shipped unchanged from 0.1.0 to 0.3.0
  {
    machineId: 'roll-forward',
    hash: '496cd8b43e0ec76bbc6d5a71fb2ef34e1acbde0e09bcd2bb211d769c8d94f307',
    machine: rollForward030,
  },
];
