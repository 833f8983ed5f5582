// Commander's usage errors (missing option or argument, unknown command or option) as
// OEF-001: commander's own "error: …" line is replaced by the error main.ts prints, and the
// usage text commander writes is held back so it follows that line (or is dropped with --json).
import type { CommanderError } from 'commander';
import { OeflowError } from '../errors.js';

/** Where commander's stderr output (usage after an error) is kept until main.ts decides. */
export interface UsageCapture {
  write(text: string): void;
  text(): string;
}

/** A buffer for commander's stderr output. */
export function usageCapture(): UsageCapture {
  const parts: string[] = [];
  return { write: (text) => void parts.push(text), text: () => parts.join('') };
}

/** The command the usage text describes (`oeflow backup offline`), or `oeflow`. */
function commandPath(usage: string): string {
  return /^Usage: (oeflow(?: [a-z][\w-]*)*)/m.exec(usage)?.[1] ?? 'oeflow';
}

/** OEF-001 for a commander error, naming the command whose --help shows the syntax. */
export function usageError(err: CommanderError, usage: string): OeflowError {
  const path = commandPath(usage);
  const message =
    err.code === 'commander.help' ? `missing command after \`${path}\`` : err.message.replace(/^error: /, '');
  return new OeflowError('OEF-001', message, {
    hint: `Run \`${path} --help\` for the syntax.`,
    details: { commanderCode: err.code },
  });
}
