// Transparent database encryption, as far as the utilities show it: an encrypted database's
// key store (here: a salted verifier in the control area, so an OS copy of the `.db` stays
// encrypted with the same passphrase) must be opened before a utility may open the database.
// With `-Passphrase` a utility reads the passphrase from its standard input; without it, or
// with a wrong one, it refuses before touching anything. The data itself is not enciphered.
// The refusal texts and numbers are not in docs/openedge.md: they are the simulator's own
// (900xx, docs/simulator.md fidelity table).
import { crypto } from './builtins.js';
import { readFileSync } from 'node:fs';
import type { MasterBlock } from './master-block.js';
import type { Msg } from './messages.js';
import type { Session } from './session.js';

/** What the control area keeps of the key store: never the passphrase itself. */
export interface KeyStore {
  salt: string;
  /** sha256(salt ‖ passphrase), hex. */
  verifier: string;
}

export const encryptionMsg = {
  passphraseRequired: (db: string): Msg => ({
    num: 90080,
    text: `The database ${db} is encrypted: start the utility with -Passphrase and give the key store passphrase on standard input.`,
  }),
  passphraseWrong: (db: string): Msg => ({
    num: 90081,
    text: `The passphrase for the key store of database ${db} is not correct.`,
  }),
};

const verifierOf = (salt: string, passphrase: string): string =>
  crypto().createHash('sha256').update(salt).update('\0').update(passphrase, 'utf8').digest('hex');

/** A new key store for `passphrase` (`oeflow sim init --passphrase-file`). */
export function newKeyStore(passphrase: string): KeyStore {
  const salt = crypto().randomBytes(16).toString('hex');
  return { salt, verifier: verifierOf(salt, passphrase) };
}

/** True when `passphrase` opens `ks`. */
export function opensKeyStore(ks: KeyStore, passphrase: string): boolean {
  return crypto().timingSafeEqual(Buffer.from(verifierOf(ks.salt, passphrase), 'hex'), Buffer.from(ks.verifier, 'hex'));
}

/**
 * Calls that never open the database's files and so never need the key store: proshut and
 * proquiet talk to the broker (which opened it at start), `proutil -C busy|holder` read only
 * the lock file, `prostrct list` reads only the control area (not enciphered).
 */
function needsKeyStore(s: Session): boolean {
  if (s.utility === 'proshut' || s.utility === 'proquiet') return false;
  const q = s.args
    .slice(s.args.findIndex((a) => a.toLowerCase() === '-c') + 1)
    .map((a) => a.toLowerCase())
    .join(' ');
  if (s.utility === 'proutil' && (q === 'busy' || q === 'holder')) return false;
  if (s.utility === 'prostrct' && s.args[0]?.toLowerCase() === 'list') return false;
  return true;
}

/** The first line of standard input (the real utility prompts and reads one line). */
function readPassphrase(): string {
  let text: string;
  try {
    text = readFileSync(0, 'utf8');
  } catch {
    text = ''; // no standard input at all: no passphrase given
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * Open the key store of an encrypted database, or refuse (90080 no -Passphrase, 90081 wrong
 * passphrase, exit 1) before anything is changed. A plain database ignores `-Passphrase`.
 */
export function requireKeyStore(s: Session, db: string, mb: MasterBlock): void {
  const ks = mb.encryption;
  if (ks === undefined) return;
  if (!s.params.passphrase) {
    if (needsKeyStore(s)) s.fail(encryptionMsg.passphraseRequired(db));
    return;
  }
  if (!opensKeyStore(ks, readPassphrase())) s.fail(encryptionMsg.passphraseWrong(db));
}
