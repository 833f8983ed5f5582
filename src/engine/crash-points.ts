// Deterministic crash points for the crash tests (like SQLite's test hooks): when
// OEFLOW_CRASH_AT names this point, the process kills itself with SIGKILL, exactly as
// a power cut would stop it (the process; what it committed without an fsync of its own stays
// in the OS's page cache, which a real power cut may lose: docs/architecture.md, group commit).
// Unset in production, so the check is a string compare.

// after-spawn: a process started, the journal row with its pid not yet written.
export type CrashPoint = 'after-intent' | 'after-spawn' | 'after-command' | 'after-result';

/** SIGKILL this process if OEFLOW_CRASH_AT is `<point>:<stepKey>` (or `<point>:*`). */
export function crashPoint(point: CrashPoint, stepKey: string): void {
  const spec = process.env.OEFLOW_CRASH_AT;
  if (spec === undefined || spec === '') return;
  for (const entry of spec.split(',')) {
    const [p, key] = entry.split(':', 2);
    if (p === point && (key === stepKey || key === '*' || key === stepKey.split('#')[0])) {
      process.kill(process.pid, 'SIGKILL');
    }
  }
}
