// Parser for the binary `<db>.lk` file (FACTS §2, dbmon layout): int32 mode, int32 pid,
// then the hostname, NUL-terminated. Native byte order; little-endian hosts assumed.
import { OeflowError } from '../errors.js';
import type { LkInfo } from './types.js';

/** `.lk` modes seen in the field: 1 single-user, 2 multi-user, 5 crash recovery. */
export const LkMode = { singleUser: 1, multiUser: 2, crashRecovery: 5 } as const;

/** Mode, pid and host from the bytes of a `.lk` file; OEF-013 when shorter than 8 bytes. */
export function parseLk(bytes: Uint8Array): LkInfo {
  if (bytes.length < 8) {
    throw new OeflowError('OEF-013', `.lk file has ${bytes.length} bytes; at least 8 expected (mode, pid).`, {
      details: { bytes: Buffer.from(bytes).toString('hex') },
    });
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rest = buf.subarray(8);
  const nul = rest.indexOf(0);
  return {
    mode: buf.readInt32LE(0),
    pid: buf.readInt32LE(4),
    host: rest.subarray(0, nul === -1 ? rest.length : nul).toString('latin1').trim(),
  };
}
