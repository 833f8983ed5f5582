// The key store passphrase of an encrypted database: from a file (--passphrase-file, or
// `passphrase-file` in the configuration) or from OEFLOW_PASSPHRASE, never from the command
// line. A file readable by other users is refused, as a configuration naming a secret is.
import { readFileSync } from 'node:fs';
import { OeflowError } from '../errors.js';
import { readableByOthers } from './secret-file.js';

/** The passphrase: the first line of `file` (a trailing newline is not part of it). */
export function readPassphraseFile(file: string): string {
  let text: string;
  try {
    if (readableByOthers(file)) {
      throw new OeflowError('OEF-123', `passphrase file ${file} is readable by every user`, {
        hint: `chmod 600 ${file} (it must be readable by its owner only); nothing ran.`,
        details: { file },
      });
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof OeflowError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OeflowError('OEF-123', `passphrase file ${file} cannot be read (${code})`, {
      cause: err,
      details: { file, code },
    });
  }
  const passphrase = text.split(/\r?\n/)[0] ?? '';
  if (passphrase === '')
    throw new OeflowError('OEF-123', `passphrase file ${file} is empty: its first line must be the passphrase`, {
      details: { file },
    });
  return passphrase;
}

/** OEFLOW_PASSPHRASE, checked: one line, not empty. */
export function passphraseFromEnv(value: string): string {
  const passphrase = value.replace(/\r?\n$/, '');
  if (passphrase === '' || /[\r\n]/.test(passphrase)) {
    throw new OeflowError('OEF-123', 'OEFLOW_PASSPHRASE must hold the passphrase on one line', {
      hint: 'Set OEFLOW_PASSPHRASE to the passphrase itself (one line), or use --passphrase-file <file>; nothing ran.',
    });
  }
  return passphrase;
}
