// The one rule for files that hold or name a secret (a configuration naming a signing key or a
// passphrase file, the passphrase file itself): no other user may read them (docs/operations.md).
import { statSync } from 'node:fs';

/** True when users other than the owner and group may read `file` (mode o+r). */
export function readableByOthers(file: string): boolean {
  return (statSync(file).mode & 0o004) !== 0;
}
