// Every machine definition an oeflow release has shipped: id, definition hash
// (machineHash) and the oeflow versions that carried it. Runs record the hash; `verify`
// replays a run with the definition of that hash and `resume` continues it on it, so a
// definition listed here must stay resolvable for good: the current machines in
// machines/index.ts, older ones frozen in machines/versions/archive.ts.
// Editing a machine: freeze the old definition into the archive first, then add the new
// hash here with the version that ships it (test/unit/machines/versions.test.ts checks both).

export interface ShippedDefinition {
  machineId: string;
  hash: string;
  oeflowVersions: readonly string[];
}

export const shippedDefinitions: readonly ShippedDefinition[] = [
  {
    machineId: 'offline-backup',
    hash: '81ff4b6cceb6b6cda411e43b680a0033d46fde81bdde66f43fe0f8cb7059c156',
    oeflowVersions: ['0.1.0'],
  },
  {
    machineId: 'online-backup',
    hash: '0effd1c999c240453facf37301e0c47f56121ec845e7fa3366714909583e568f',
    oeflowVersions: ['0.1.0'],
  },
  {
    machineId: 'roll-forward',
    hash: '496cd8b43e0ec76bbc6d5a71fb2ef34e1acbde0e09bcd2bb211d769c8d94f307',
    oeflowVersions: ['0.1.0', '0.2.0', '0.3.0'],
  },
  {
    machineId: 'offline-backup',
    hash: 'd41f6da22d598b47ef95377651735c3644b8b561b3c5177036a5795a591d39a8',
    oeflowVersions: ['0.2.0'],
  },
  {
    machineId: 'online-backup',
    hash: 'afb0990a0f54a516dbf14705e53b38130a9e6b6840b5148aae19d3899fb34566',
    oeflowVersions: ['0.2.0'],
  },
  // 0.3.0: states declare what they hold (meta.holds, machines/state-meta.ts)
  {
    machineId: 'offline-backup',
    hash: '6b760e95ad1c5a37441a4da62839de91e668e1b82a36114daaa35b5f5ea3f72a',
    oeflowVersions: ['0.3.0'],
  },
  {
    machineId: 'online-backup',
    hash: '6772c3509b86bccff291fed9f52f652e3965cc6e34b8ce1ffa1ddfb085501546',
    oeflowVersions: ['0.3.0'],
  },
  // 0.4.0: "awaiting decision" is a state of every machine (machines/decision-state.ts)
  {
    machineId: 'offline-backup',
    hash: 'f1532bb1c75fca1a26999cbc6cf5965e92f77f49ddb4590d1e95191ec6026e1e',
    oeflowVersions: ['0.4.0'],
  },
  {
    machineId: 'online-backup',
    hash: 'b36781fd57f0e63cf2cbfe071e1d4a9955109eade911b7a23d8986fd74a56214',
    oeflowVersions: ['0.4.0'],
  },
  {
    machineId: 'roll-forward',
    hash: 'de772bfeaf496456050bbc677f511735a4724c33bbe5faa3bd32a1fb31b9c774',
    oeflowVersions: ['0.4.0'],
  },
];
