// The online copy's listing before its hashes exist (what copyFiles journals and verifyCopy
// seals after the disable), and its JSON form. Its own module, with no I/O, because the read
// commands (show, runs) read step facts through src/steps/step-facts.ts: they must not load the copier.
import type { Json } from '../../machines/contract.js';
import type { ManifestEntry } from './types.js';

const ROLES: readonly string[] = ['control', 'structure', 'data', 'bi', 'ai', 'log', 'other'];

/** A copied file before its hash is known: what the source was under the quiet point. */
export type UnsealedEntry = Omit<ManifestEntry, 'sha256'>;

/** What the seal needs of a quiesced copy: the listing copyFiles journals as its fact `sealAfterDisable`. */
export interface UnsealedCopy {
  /** The database directory, resolved (the manifest's sourceDbDir). */
  sourceDbDir: string;
  entries: UnsealedEntry[];
  /**
   * When the copy's last write returned (epoch ms). Its bytes are in the page cache until the
   * seal fsyncs them, so an OS start after this time may have lost them (sealCopy refuses).
   * Absent in journals written before it was recorded.
   */
  copiedAtMs?: number;
}

/** True when `v` has the shape of a manifest entry without its hash. */
export function isUnsealedEntry(v: unknown): v is UnsealedEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e['source'] === 'string' &&
    typeof e['relPath'] === 'string' &&
    typeof e['role'] === 'string' &&
    ROLES.includes(e['role']) &&
    typeof e['size'] === 'number' &&
    typeof e['mtimeMs'] === 'number'
  );
}

/** The listing as a JSON fact (plain objects, so it persists as it is read back). */
export function unsealedCopyFact(copy: UnsealedCopy): { [key: string]: Json } {
  return {
    sourceDbDir: copy.sourceDbDir,
    entries: copy.entries.map(({ source, relPath, role, size, mtimeMs }) => ({ source, relPath, role, size, mtimeMs })),
    ...(copy.copiedAtMs !== undefined ? { copiedAtMs: copy.copiedAtMs } : {}),
  };
}

/** The listing back from its fact, or undefined when the fact does not hold one. */
export function decodeUnsealedCopy(v: Json | undefined): UnsealedCopy | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const { sourceDbDir, entries, copiedAtMs } = v;
  if (typeof sourceDbDir !== 'string' || !Array.isArray(entries) || !entries.every(isUnsealedEntry)) return undefined;
  if (copiedAtMs === undefined) return { sourceDbDir, entries };
  return typeof copiedAtMs === 'number' ? { sourceDbDir, entries, copiedAtMs } : undefined;
}
