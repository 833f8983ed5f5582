// Per-database startup parameters (docs/operations.md "Encrypted databases and codepages"):
// which utility call takes which of them, and how. The parameters go at the end of the
// command line (every utility takes them there; rfutil takes `-T` only after the qualifier,
// docs/openedge.md §4). The passphrase never goes in argv: `-Passphrase` makes the utility read
// it from its standard input, and the journal records only that it was supplied there.
import type { Utility } from './runner.js';

export interface UtilityParams {
  /** The key store passphrase of an encrypted database (read from a file or OEFLOW_PASSPHRASE). */
  passphrase?: string;
  cpinternal?: string;
  cpstream?: string;
  /** `-T`: the utility's temporary-file directory. */
  tempDir?: string;
}

/** What one call gets: extra arguments, and what goes on its standard input (with the journal's note for it). */
export interface CallParams {
  args: string[];
  stdin?: { text: string; note: string };
}

/** The journal's note for a passphrase given on stdin: the value itself is never recorded. */
export const PASSPHRASE_NOTE = 'passphrase: supplied on stdin';

interface Accepts {
  passphrase: boolean;
  codepages: boolean;
  tempDir: boolean;
}

// What each utility accepts (docs/openedge.md §0, §1 proshut syntax, §4 rfutil syntax). proshut
// and proquiet reach the broker, which opened the database (and its key store) at start.
const ACCEPTS: Record<Utility, Accepts> = {
  proserve: { passphrase: true, codepages: true, tempDir: true },
  proutil: { passphrase: true, codepages: true, tempDir: true },
  rfutil: { passphrase: true, codepages: true, tempDir: true },
  prostrct: { passphrase: true, codepages: false, tempDir: false },
  proshut: { passphrase: false, codepages: true, tempDir: false },
  proquiet: { passphrase: false, codepages: false, tempDir: false },
};

/** `proutil -C busy|holder` read only the lock file: they never open the database or its key store. */
function opensDatabase(utility: Utility, argv: readonly string[]): boolean {
  if (utility !== 'proutil') return true;
  const q = argv.slice(argv.indexOf('-C') + 1).join(' ');
  return q !== 'busy' && q !== 'holder';
}

/** The parameters `utility argv…` takes from `p`. */
export function paramsFor(utility: Utility, argv: readonly string[], p: UtilityParams): CallParams {
  const a = ACCEPTS[utility];
  const args: string[] = [];
  if (a.codepages && p.cpinternal !== undefined) args.push('-cpinternal', p.cpinternal);
  if (a.codepages && p.cpstream !== undefined) args.push('-cpstream', p.cpstream);
  if (a.tempDir && p.tempDir !== undefined) args.push('-T', p.tempDir);
  if (a.passphrase && p.passphrase !== undefined && opensDatabase(utility, argv)) {
    args.push('-Passphrase');
    return { args, stdin: { text: `${p.passphrase}\n`, note: PASSPHRASE_NOTE } };
  }
  return { args };
}
