// The drill's proof: both runs (backup and restore) verified as an auditor would — hash chain,
// replay, stored record — and, when the store signs rows, checked against the signer's public
// key; the restore's HTML evidence is written into the scratch directory.
import { createPublicKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectEvidence } from '../audit/evidence.js';
import { evidenceHtml } from '../audit/report-html.js';
import { verifyRun } from '../audit/verify.js';
import type { RowSigner, Store } from '../store/index.js';

export interface DrillEvidence {
  backup: { runId: string; verdict: string; authenticated: boolean };
  restore?: { runId: string; verdict: string; authenticated: boolean };
  /** The restore run's HTML evidence report. */
  report?: string;
  /** Key id the rows were signed with (null: unsigned). */
  keyId: string | null;
}

/** Verify the drill's runs and write the restore's evidence report. */
export async function drillEvidence(
  store: Store,
  runs: { backup: string; restore?: string },
  scratch: string,
  signer: RowSigner | undefined,
): Promise<DrillEvidence> {
  const trusted = signer === undefined ? undefined : [createPublicKey(signer.publicKeyPem)];
  const check = (runId: string) => {
    const v = verifyRun(store, runId, trusted);
    return { runId, verdict: v.verdict, authenticated: v.authenticated, v };
  };
  const backup = check(runs.backup);
  const evidence: DrillEvidence = {
    backup: { runId: backup.runId, verdict: backup.verdict, authenticated: backup.authenticated },
    keyId: signer?.keyId ?? null,
  };
  if (runs.restore !== undefined) {
    const restore = check(runs.restore);
    const report = join(scratch, `evidence-${runs.restore}.html`);
    await writeFile(report, evidenceHtml(restore.v, collectEvidence(store, runs.restore)));
    Object.assign(evidence, {
      restore: { runId: restore.runId, verdict: restore.verdict, authenticated: restore.authenticated },
      report,
    });
  }
  return evidence;
}
