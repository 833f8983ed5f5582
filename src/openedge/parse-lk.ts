// Parser for the binary `<db>.lk` file (docs/openedge.md §2, dbmon layout): int32 mode, int32 pid,
// then the hostname, NUL-terminated, written in the host's native byte order. Whatever
// does not fit the documented layout is kept as a `problem`: such a lock counts as in use.
import { endianness } from 'node:os';
import type { LkInfo } from './types.js';

/** `.lk` modes documented (docs/openedge.md §2): 1 single-user, 2 multi-user, 5 crash recovery. */
export const LkMode = { singleUser: 1, multiUser: 2, crashRecovery: 5 } as const;

const KNOWN_MODES: ReadonlySet<number> = new Set(Object.values(LkMode));

/** Mode, pid and host from the bytes of a `.lk` file; `problem` set when short or of an undocumented mode. */
export function parseLk(bytes: Uint8Array, byteOrder: 'LE' | 'BE' = endianness()): LkInfo {
  if (bytes.length < 8) {
    return {
      mode: 0,
      pid: 0,
      host: '',
      problem: `has ${bytes.length} bytes, fewer than mode and pid (${Buffer.from(bytes).toString('hex') || 'empty'})`,
    };
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rest = buf.subarray(8);
  const nul = rest.indexOf(0);
  const mode = byteOrder === 'LE' ? buf.readInt32LE(0) : buf.readInt32BE(0);
  const info: LkInfo = {
    mode,
    pid: byteOrder === 'LE' ? buf.readInt32LE(4) : buf.readInt32BE(4),
    host: rest
      .subarray(0, nul === -1 ? rest.length : nul)
      .toString('latin1')
      .trim(),
  };
  return KNOWN_MODES.has(mode)
    ? info
    : { ...info, problem: `has mode ${mode}, not one of the documented ${[...KNOWN_MODES].join(', ')}` };
}

/** The `.lk` oeflow could not read at all: it exists, so it counts as in use. */
export function unreadableLk(reason: string): LkInfo {
  return { mode: 0, pid: 0, host: '', problem: `cannot be read (${reason})` };
}
