// `oeflow key generate <file>`: the Ed25519 key pair that signs journal rows. The private key
// stays with the DBA (--signing-key / OEFLOW_SIGNING_KEY); the .pub file goes to the auditor,
// who passes it to `oeflow verify --public-key`.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { generateSigningKey } from '../audit/signing.js';
import { emitResult, globalOptions, type CliIO } from './io.js';
import type { CommandOutcome } from './program.js';

/** Register `key generate`. */
export function registerKeyCommands(program: Command, io: CliIO, _outcome: CommandOutcome): void {
  const key = program.command('key').description('signing keys for the journal (Ed25519)');
  key
    .command('generate <file>')
    .description('write a new private key to <file> (mode 0600) and its public key to <file>.pub; never overwrites')
    .action((file: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const k = generateSigningKey(resolve(file));
      emitResult(io, opts, k, (x) =>
        [
          `private key: ${x.privateKeyPath} (keep it outside the state store's reach; pass it with --signing-key or OEFLOW_SIGNING_KEY)`,
          `public key:  ${x.publicKeyPath} (give it to the auditor: oeflow verify <run-id> --public-key ${x.publicKeyPath})`,
          `key id:      ${x.keyId}`,
        ].join('\n'),
      );
    });
}
