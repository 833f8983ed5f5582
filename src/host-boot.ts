// When this host's operating system started. A resume compares it with what the journal says
// happened before: whatever lived only in memory (a quiet point in the broker, file data the
// kernel had not written out) is gone when the OS started after it (docs/architecture.md §5.9).
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';

/** When this host's OS started (epoch ms): `btime` of /proc/stat, else now − uptime. */
export function hostBootedAtMs(): number {
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    if (btime !== undefined) return Number(btime) * 1000;
  } catch {
    /* not Linux: from the uptime */
  }
  return Date.now() - uptime() * 1000;
}
