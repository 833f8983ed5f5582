// The only place the CLI writes to the terminal: plain results rendered either as
// JSON (for scripts) or as human text. Engine and store never print.
import type { Command } from 'commander';
import type { OeflowError } from '../errors.js';
import { concreteHint, hintValuesOf } from './concrete-hint.js';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: live progress redraws only then. */
  readonly interactive: boolean;
}

export const processIO: CliIO = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

/** Global options every command sees (declared once on the root program). */
export interface GlobalOptions {
  json: boolean;
  config?: string;
  state?: string;
  dlc?: string;
  signingKey?: string;
  /** -q/--quiet: print only errors (no progress, no result text, no warnings). */
  quiet?: boolean;
  logFile?: string;
  logLevel?: string;
}

/** Read the root program's global options from inside any sub-command action. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** Write a command's result: JSON when --json, otherwise the human rendering. */
export function emitResult<T extends object>(io: CliIO, opts: GlobalOptions, result: T, human: (r: T) => string): void {
  if (opts.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
  else if (!opts.quiet) {
    const text = human(result);
    if (text.length > 0) io.out(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** Write an error: the `{ status: 'error', error }` object on stdout with --json, else `oeflow: OEF-nnn …` and its next action on stderr. */
export function emitError(io: CliIO, json: boolean, err: OeflowError): void {
  const error = { ...err.toJSON(), hint: concreteHint(err.hint, hintValuesOf(err.details)) };
  if (json) io.out(`${JSON.stringify({ status: 'error', error }, null, 2)}\n`);
  else io.err(`oeflow: ${error.code} ${error.message}\n  next: ${error.hint}\n`);
}
