// Ed25519 signatures over journal row hashes. The hash chain alone shows accidental damage and
// naive edits; anyone able to write the store can recompute it. A signature made with a private
// key kept outside the store cannot be recomputed without that key, so a run whose rows are all
// signed by a key the auditor trusts cannot have been rewritten by someone holding only the store.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { OeflowError } from '../errors.js';
import type { RowSigner } from '../store/index.js';

/** The key id of a public key: sha256 of its DER SPKI encoding, hex. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** What a row's signature covers: the row hash, with a domain prefix so it signs nothing else. */
function signedBytes(rowHash: string): Buffer {
  return Buffer.from(`oeflow-journal-row-v1:${rowHash}`, 'utf8');
}

/** A signer from an Ed25519 private key in PEM (PKCS#8) at `path`: OEF-023 when it is unusable. */
export function loadRowSigner(path: string): RowSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch (cause) {
    throw new OeflowError(
      'OEF-023',
      `Cannot read the signing key ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, details: { path } },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new OeflowError(
      'OEF-023',
      `The signing key ${path} is ${key.asymmetricKeyType ?? 'not an asymmetric key'}, not Ed25519.`,
      { details: { path } },
    );
  }
  const publicKey = createPublicKey(key);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (rowHash) => sign(null, signedBytes(rowHash), key).toString('base64'),
  };
}

/** True when `signature` (base64) is `publicKey`'s signature of the row hash. */
export function rowSignatureValid(publicKey: KeyObject, rowHash: string, signature: string): boolean {
  try {
    return verify(null, signedBytes(rowHash), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A public key from PEM text or a file holding it: OEF-023 when it is not an Ed25519 public key. */
export function loadPublicKey(pemOrPath: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pemOrPath.includes('-----BEGIN') ? pemOrPath : readFileSync(pemOrPath));
  } catch (cause) {
    throw new OeflowError(
      'OEF-023',
      `Cannot read the public key ${pemOrPath.includes('-----BEGIN') ? '(PEM text)' : pemOrPath}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new OeflowError('OEF-023', `The public key ${pemOrPath} is not Ed25519.`);
  return key;
}

/**
 * Write a new Ed25519 key pair: the private key to `path` (mode 0600, never overwritten) and
 * the public key to `path.pub`. Returns the key id and both paths.
 */
export function generateSigningKey(path: string): { keyId: string; privateKeyPath: string; publicKeyPath: string } {
  const publicKeyPath = `${path}.pub`;
  const existing = [path, publicKeyPath].filter((p) => existsSync(p));
  if (existing.length > 0)
    throw new OeflowError(
      'OEF-023',
      `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}: a signing key is never overwritten.`,
      { details: { existing } },
    );
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  } catch (cause) {
    throw new OeflowError(
      'OEF-023',
      `Cannot write the key pair at ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, details: { path } },
    );
  }
  return { keyId: keyIdOf(publicKey), privateKeyPath: path, publicKeyPath };
}

/** A detached Ed25519 signature over a document (a checkpoint, a period report). */
export interface DocumentSignature {
  keyId: string;
  /** Base64 Ed25519 signature of `<domain>:<canonical text>`. */
  value: string;
}

/** Signs documents of one kind (`domain` keeps a checkpoint signature from passing as a report's or a row's). */
export type DocumentSigner = (domain: string, text: string) => DocumentSignature;

/** A document signer from the same Ed25519 private key that signs journal rows: OEF-023 when it is unusable. */
export function loadDocumentSigner(path: string): DocumentSigner {
  const keyId = loadRowSigner(path).keyId; // validates the key (Ed25519, readable) with the row signer's checks
  const key = createPrivateKey(readFileSync(path));
  return (domain, text) => ({
    keyId,
    value: sign(null, Buffer.from(`${domain}:${text}`, 'utf8'), key).toString('base64'),
  });
}

/** True when `signature` is `publicKey`'s signature of `<domain>:<text>`. */
export function documentSignatureValid(publicKey: KeyObject, domain: string, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(`${domain}:${text}`, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
