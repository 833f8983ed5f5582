// A journal row's signature is Ed25519 over `oeflow-journal-row-v1:<row hash>`, and the row hash
// is what verifyChain recomputes from the row's content and the previous hash. The vectors
// below pin those signed bytes: a change to them would leave every signed journal already
// written unverifiable, so it must come as a new, versioned scheme and fail here first.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSignatures } from '../../../src/audit/signature-check.js';
import { keyIdOf, loadPublicKey, loadRowSigner, rowSignatureValid } from '../../../src/audit/signing.js';
import { expectOeflowError, sampleRun, tempDir, tempStore } from '../store/helpers.js';

// RFC 8032 §7.1, TEST 1: secret key 9d61b19d…7f60, public key d75a9801…511a
const rfcKeyPem =
  '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n';
const rfcPublicKeyHex = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const rfcEmptyMessageSignature =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
/** sha256('oeflow'), standing for a row hash. */
const rowHash = '3de92b78189c5c4a2fd266ef1da76ab485069df02428d605137a1678a005ed30';
/** What oeflow has written for that row hash with the RFC key since signatures were added (schema v2). */
const rowSignature = '4aBxq8yCoOfgUdNWqQUqDK2gXrQLxUmkUwuddxJpddgpJiT5lgxTqFtXkqkE5oazX0Utqzm9hA+dCjJU4zEwAQ==';

let dir: string;
let cleanup: () => void;
let keyPath: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('oeflow-signing-'));
  keyPath = join(dir, 'rfc8032.key');
  writeFileSync(keyPath, rfcKeyPem, { mode: 0o600 });
});
afterEach(() => cleanup());

describe('journal row signatures', () => {
  it('are RFC 8032 Ed25519 (the key and its empty-message signature match the RFC vector)', () => {
    const key = createPrivateKey(rfcKeyPem);
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    expect(spki.subarray(-32).toString('hex')).toBe(rfcPublicKeyHex);
    expect(sign(null, Buffer.alloc(0), key).toString('hex')).toBe(rfcEmptyMessageSignature);
  });

  it('sign the domain-prefixed row hash, exactly as journals already written were signed', () => {
    expect(createHash('sha256').update('oeflow').digest('hex')).toBe(rowHash);
    const signer = loadRowSigner(keyPath);
    expect(signer.sign(rowHash)).toBe(rowSignature);
    const publicKey = createPublicKey(signer.publicKeyPem);
    expect(signer.keyId).toBe(keyIdOf(publicKey));
    expect(rowSignatureValid(publicKey, rowHash, rowSignature)).toBe(true);
  });

  it('do not verify for another row hash, another key or damaged bytes', () => {
    const publicKey = createPublicKey(loadRowSigner(keyPath).publicKeyPem);
    expect(rowSignatureValid(publicKey, 'f'.repeat(64), rowSignature)).toBe(false);
    expect(rowSignatureValid(generateKeyPairSync('ed25519').publicKey, rowHash, rowSignature)).toBe(false);
    const damaged = Buffer.from(rowSignature, 'base64');
    damaged[10] = damaged[10]! ^ 1;
    expect(rowSignatureValid(publicKey, rowHash, damaged.toString('base64'))).toBe(false);
    expect(rowSignatureValid(publicKey, rowHash, 'not base64 at all')).toBe(false);
  });

  it('cover every row a signing store appends, checked against the passed key and the store keys', () => {
    const signer = loadRowSigner(keyPath);
    const t = tempStore({ signer });
    try {
      t.store.createRun(sampleRun);
      for (let i = 0; i < 3; i++) t.store.appendJournal(sampleRun.runId, { kind: 'note', data: { i } });
      expect(t.store.verifyChain(sampleRun.runId)).toEqual({ ok: true, rows: 4 });
      const rows = t.store.journal(sampleRun.runId);
      expect(rows.map((r) => r.sigKeyId)).toEqual(rows.map(() => signer.keyId));
      for (const r of rows) expect(r.signature).toBe(signer.sign(r.hash));
      const trusted = [loadPublicKey(signer.publicKeyPem)];
      expect(checkSignatures(rows, t.store.signingKeys(), trusted)).toMatchObject({
        checkedWith: 'public-key',
        signedRows: 4,
        ok: true,
      });
      expect(checkSignatures(rows, t.store.signingKeys())).toMatchObject({ checkedWith: 'store-keys', ok: true });
      // a row whose hash no longer matches its signature (its content changed and the chain was recomputed)
      const rehashed = rows.map((r) => (r.seq === 2 ? { ...r, hash: 'e'.repeat(64) } : r));
      expect(checkSignatures(rehashed, t.store.signingKeys(), trusted).problems).toEqual([
        '1 of 4 rows signature does not verify for the row hash (seq 2)',
      ]);
    } finally {
      t.store.close();
      t.cleanup();
    }
  });

  it('refuse a key that is not Ed25519 or cannot be read (OEF-023)', () => {
    const ecPath = join(dir, 'ec.key');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(ecPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    expect(expectOeflowError(() => loadRowSigner(ecPath), 'OEF-023').message).toMatch(/is ec, not Ed25519/);
    expectOeflowError(() => loadRowSigner(join(dir, 'missing.key')), 'OEF-023');
  });
});
