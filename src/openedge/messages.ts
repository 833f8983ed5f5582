// Numbered OpenEdge messages: parsing `text. (8019)` lines and the numbers the engine
// classifies results by (docs/architecture.md §9.7: classify by message number, never by free text).
import type { OeMessage, ToolResult } from './types.js';

/** Message numbers the engine and parsers classify by (docs/openedge.md §9). */
export const Msg = {
  cannotOpenFile: 43,
  inUseSingleUser: 263,
  inUseMultiUser: 276,
  sessionEnd: 334,
  rfDisablesAi: 663,
  reenableAi: 648,
  continuedProtection: 659,
  aiDisabled: 846,
  dbLastChanged: 831,
  aiFileExpected: 832,
  datesDontMatch: 833,
  rfApplyNoteError: 1028,
  noteCountsMismatch: 1029,
  aiDatesHeader: 1633,
  notesProcessed: 1634,
  transactionsStarted: 1635,
  transactionsActiveAtEnd: 1636,
  lastAimageBegin: 1640,
  lastAimageNew: 1641,
  aimageFileNumber: 1642,
  lastOpenedForOutput: 1643,
  switchedToExtent: 3777,
  afterImageFileNumber: 3778,
  inFlightTransactions: 3785,
  transactionTableMismatch: 4554,
  quietEnabled: 5583,
  structListDbMissing: 6921,
  expectedAiFileNumber: 8019,
  incompleteAiFile: 9333,
  transactionsCompleted: 11138,
  rollForwardOpenError: 11014,
  aiSequenceChanged: 12428,
  aiManagementDisabled: 13292,
  beginningProcessing: 17047,
  endtimeLocated: 17923,
  // An encrypted database's key store refused: no -Passphrase / a wrong passphrase. No source
  // gave the real numbers; these are the simulator's (docs/simulator.md fidelity table).
  passphraseRequired: 90080,
  passphraseWrong: 90081,
} as const;

/** The messages the first roll forward prints when it disables after-imaging (docs/openedge.md §4.28). */
export const AI_DISABLED_BY_ROLL_FORWARD: readonly number[] = [663, 648, 659, 13292, 846];

/**
 * ROLL FORWARD OPLOCK's lines (docs/openedge.md §4.41): the docs show them without a number. A
 * roll forward that protected its target and printed no unlock line left it protected.
 */
export const OPLOCK_UNLOCKED = 'Target database has been unlocked during roll forward process.';

/** True when a roll forward's output says it lifted its target's protection. */
export function oplockLifted(result: Pick<ToolResult, 'stdout'>): boolean {
  return result.stdout.includes(OPLOCK_UNLOCKED);
}

/** Messages that mean a roll forward did not apply its file (docs/openedge.md §4 failure outputs). */
export const ROLL_FORWARD_FAILURES: readonly number[] = [8019, 831, 832, 833, 11014, 9333, 1028, 1029, 4554];

// `... text. (8019)` at the end of a line (utility stdout), or `(8019) text` at the start
// (database-log form, possibly after the `[timestamp] P-n T-n I TAG n:` prefix).
const TRAILING = /^(.*?)\s*\((\d{1,6})\)\s*$/;
const LG_PREFIX = /^\[[^\]]*\]\s+P-\d+\s+T-\d+\s+[A-Z]\s+.*?:\s+(?=\()/;
const LEADING = /^\((\d{1,6})\)\s?(.*)$/;

/** Every numbered message in `text`, in order; unnumbered lines are ignored. */
export function parseMessages(text: string): OeMessage[] {
  const out: OeMessage[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(LG_PREFIX, '').trim();
    const lead = LEADING.exec(line);
    if (lead) {
      out.push({ number: Number(lead[1]), text: (lead[2] ?? '').trim() });
      continue;
    }
    const trail = TRAILING.exec(line);
    if (trail) out.push({ number: Number(trail[2]), text: (trail[1] ?? '').trim() });
  }
  return out;
}

/** True when the run printed message `n`. */
export function hasMessage(result: Pick<ToolResult, 'messages'>, n: number): boolean {
  return result.messages.some((m) => m.number === n);
}

/** The numbers of `result`'s messages that appear in `set`, in output order. */
export function messagesIn(result: Pick<ToolResult, 'messages'>, set: readonly number[]): number[] {
  return result.messages.filter((m) => set.includes(m.number)).map((m) => m.number);
}
