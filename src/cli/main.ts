// The one exit point: maps OeflowError / CommanderError / anything else to an exit code.
import { CommanderError } from 'commander';
import { errorCodes, ExitCode, OeflowError } from '../errors.js';
import { damagedStoreError } from '../store/damaged.js';
import { buildProgram, type CommandOutcome } from './program.js';
import { emitError, type CliIO } from './io.js';
import { usageCapture, usageError } from './usage-error.js';

/** Run the CLI in-process and return the exit code (tests call this directly). */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const outcome: CommandOutcome = { exitCode: ExitCode.ok };
  const usage = usageCapture();
  const program = buildProgram(io, outcome, usage);
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every other commander error is a usage error (OEF-001)
      if (err.exitCode === 0) {
        io.err(usage.text());
        return ExitCode.ok;
      }
      const usageErr = usageError(err, usage.text());
      emitError(io, json, usageErr);
      if (!json) io.err(usage.text());
      return usageErr.exitCode;
    }
    if (err instanceof OeflowError) {
      emitError(io, json, err);
      return err.exitCode;
    }
    const damaged = damagedStoreError(err);
    if (damaged) {
      emitError(io, json, damaged);
      return damaged.exitCode;
    }
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    if (json) io.out(`${JSON.stringify({ status: 'error', error: { code: 'OEF-002', message, hint: errorCodes['OEF-002'].hint, details: {} } }, null, 2)}\n`);
    else io.err(`oeflow: OEF-002 internal error: ${message}\n  next: this is a bug; please report it with the output above.\n`);
    return ExitCode.internal;
  }
}
