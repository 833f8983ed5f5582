// How an exit code reads in the evidence: the documented meaning where Progress documents one
// (proutil -C busy / -C holder, docs/openedge.md §Exit codes), and what the step made of it. A
// non-zero code the step accepted is shown as expected, not as a failure ("6: in use —
// expected by preflight").

/** Documented return codes (docs/openedge.md: only busy and holder have guaranteed meanings). */
const DOCUMENTED: Record<string, Record<number, string>> = {
  busy: { 0: 'not in use', 6: 'in use', 64: 'starting up' },
  holder: { 0: 'not in use', 14: 'locked by single user, PROUTIL or RFUTIL', 16: 'open in multi-user mode' },
};

/** The `-C <word>` of a proutil argv, lower case. */
function qualifier(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('-C');
  return i >= 0 ? argv[i + 1]?.toLowerCase() : undefined;
}

/**
 * "6: in use — expected by preflight" / "2: failed the step" / "0: ok". `stepOk` is whether
 * the attempt that ran the command succeeded (it read the code as it expected).
 */
export function exitReading(
  argv: readonly string[],
  exitCode: number | null,
  signal: string | null,
  stepId: string,
  stepOk: boolean,
): string {
  if (signal !== null) return `killed by ${signal}`;
  if (exitCode === null) return 'no exit code';
  const utility = (argv[0] ?? '').split('/').pop() ?? '';
  const q = utility === 'proutil' ? qualifier(argv) : undefined;
  const meaning = q !== undefined ? DOCUMENTED[q]?.[exitCode] : undefined;
  const head = meaning !== undefined ? `${exitCode}: ${meaning}` : String(exitCode);
  if (exitCode === 0) return meaning !== undefined ? head : '0: ok';
  return `${head} — ${stepOk ? `expected by ${stepId} (the step succeeded)` : `${stepId} failed (see the failure)`}`;
}
