// Byte progress: human byte sizes, a throttle (at most one report per interval) and a
// terminal renderer the CLI can pass as `onProgress`.
import type { CopyProgress } from './types.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** `1536` -> `"1.5 KiB"`; binary units, one decimal above bytes. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${sign}${v} B` : `${sign}${v.toFixed(1)} ${UNITS[u]}`;
}

/** Calls `onProgress` at most once per `intervalMs`, except when `force` is set. */
/** The progress of a copy or verification of files of these sizes, before its first byte. */
export function progressOf(sizes: readonly number[]): CopyProgress {
  return {
    file: '',
    fileBytes: 0,
    fileSize: 0,
    bytesDone: 0,
    bytesTotal: sizes.reduce((n, size) => n + size, 0),
    filesDone: 0,
    filesTotal: sizes.length,
  };
}

export class ProgressThrottle {
  private last = -Infinity;

  constructor(
    private readonly onProgress: ((p: CopyProgress) => void) | undefined,
    private readonly intervalMs: number,
  ) {}

  emit(p: CopyProgress, force = false): void {
    if (this.onProgress === undefined) return;
    const now = performance.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    this.onProgress(p);
  }
}

/** An `onProgress` that redraws one line on a terminal stream: bytes, percent, rate, file. */
export function terminalProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  label = 'copy',
): (p: CopyProgress) => void {
  const started = performance.now();
  return (p) => {
    const secs = Math.max((performance.now() - started) / 1000, 1e-3);
    const pct = p.bytesTotal === 0 ? 100 : (100 * p.bytesDone) / p.bytesTotal;
    const line =
      `${label}: ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)} (${pct.toFixed(1)}%) ` +
      `${formatBytes(p.bytesDone / secs)}/s  file ${p.filesDone}/${p.filesTotal} ${p.file}`;
    stream.write(stream.isTTY === true ? `\r\x1b[2K${line}` : `${line}\n`);
  };
}
