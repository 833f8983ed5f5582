// The one exit point: maps OeflowError / CommanderError / anything else to an exit code.
import { CommanderError } from 'commander';
import { errorCodes, ExitCode, OeflowError } from '../errors.js';
import { damagedStoreError } from '../store/damaged.js';
import { buildProgram, CHANGING, type CommandOutcome } from './program.js';
import { emitError, type CliIO } from './io.js';
import { usageCapture, usageError } from './usage-error.js';

/** Run the CLI in-process and return the exit code (tests call this directly). */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const outcome: CommandOutcome = { exitCode: ExitCode.ok };
  const usage = usageCapture();
  const program = await buildProgram(io, outcome, usage, argv);
  const json = argv.includes('--json');
  const code = await run(program, outcome, usage, argv, io, json);
  logEnd(outcome, code);
  return code;
}

/** The command's last log line: how it ended (an error with its code and message). */
function logEnd(outcome: CommandOutcome, code: number): void {
  if (!outcome.log) return;
  const changing = CHANGING.has((outcome.command ?? '').split(' ')[0]!);
  const failure = outcome.failure ? `: ${outcome.failure.code} ${outcome.failure.message}` : '';
  outcome.log.write(
    code === ExitCode.ok ? (changing ? 'info' : 'debug') : 'error',
    `command ended: oeflow ${outcome.command ?? ''}, exit ${code}${failure}`,
  );
  outcome.log.close();
}

async function run(
  program: Awaited<ReturnType<typeof buildProgram>>,
  outcome: CommandOutcome,
  usage: ReturnType<typeof usageCapture>,
  argv: readonly string[],
  io: CliIO,
  json: boolean,
): Promise<number> {
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
      outcome.failure = { code: err.code, message: err.message };
      return err.exitCode;
    }
    const damaged = damagedStoreError(err);
    if (damaged) {
      emitError(io, json, damaged);
      return damaged.exitCode;
    }
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    if (json)
      io.out(
        `${JSON.stringify({ status: 'error', error: { code: 'OEF-002', message, hint: errorCodes['OEF-002'].hint, details: {} } }, null, 2)}\n`,
      );
    else
      io.err(
        `oeflow: OEF-002 internal error: ${message}\n  next: this is a bug; please report it with the output above.\n`,
      );
    return ExitCode.internal;
  }
}
