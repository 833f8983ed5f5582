// A signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT) that arrives while no run is being driven —
// before the run exists (options, reads, the AI-chain scan of a restore) or after it
// settled — ends oeflow at once as the default action would, but says so: with --json the
// one JSON document scripts expect (README "Signals"), never an empty stdout. While a run is
// driven, withSignals (context.ts) turns the same signals into the run's abort instead.
import { ExitCode, OeflowError } from '../errors.js';
import { emitError, type CliIO } from './io.js';

/**
 * The signals that abort a run (README "Signals"): Ctrl-C, kill, a dropped SSH session (SIGHUP)
 * and Ctrl-\\ (SIGQUIT). Each ends the run the documented way: a running `once` step finishes,
 * the quiet point is disabled, an offline backup restarts the database as chosen.
 */
export const ABORT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

let drivingRuns = 0;
let droveRun = false;
const preRun = new AbortController();

/** Aborted when a signal ends oeflow before a run exists: work done before the run (scans) stops its utilities with it. */
export function preRunSignal(): AbortSignal {
  return preRun.signal;
}

/** Marks a run being driven while `body` runs: signals then abort the run, not the process. */
export async function drivingRun<T>(body: () => Promise<T>): Promise<T> {
  drivingRuns++;
  droveRun = true;
  try {
    return await body();
  } finally {
    drivingRuns--;
  }
}

/** The CLI entry's output, remembering whether a result was written (so a late signal never adds a second document). */
export function trackedIO(io: CliIO): CliIO & { readonly wroteOut: boolean } {
  let wroteOut = false;
  return {
    out: (text) => {
      wroteOut = true;
      io.out(text);
    },
    err: (text) => io.err(text),
    interactive: io.interactive,
    get wroteOut() {
      return wroteOut;
    },
  };
}

/** Installs the early handlers for the process (bin.ts only: in-process callers keep the default actions); returns their removal. */
export function installEarlySignals(io: CliIO & { readonly wroteOut: boolean }, json: boolean): () => void {
  const onSignal = (sig: NodeJS.Signals): void => {
    if (drivingRuns > 0) return; // the run's abort (withSignals) handles it
    preRun.abort(sig); // utilities started before the run (scans) get SIGTERM now, synchronously
    if (!io.wroteOut) {
      const message = droveRun
        ? `interrupted by ${sig} after the run settled, before its result was printed`
        : `interrupted by ${sig} before any run started: no run was recorded`;
      emitError(
        io,
        json,
        new OeflowError('OEF-052', message, {
          hint: droveRun
            ? 'See the run with `oeflow runs` and `oeflow show <run-id>`.'
            : 'Run the command again when ready.',
          details: { signal: sig },
        }),
      );
    }
    process.exit(ExitCode.aborted);
  };
  for (const sig of ABORT_SIGNALS) process.on(sig, onSignal);
  return () => {
    for (const sig of ABORT_SIGNALS) process.off(sig, onSignal);
  };
}
