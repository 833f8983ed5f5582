// `oeflow sim load <db> --tx N [--seed S]`: a workload client. It asks the running
// broker to commit N deterministic transactions and streams progress back.
import { OeflowError } from '../errors.js';
import { brokerCall } from './broker-protocol.js';
import { brokerRunningAt } from './liveness.js';

export interface LoadResult {
  db: string;
  committed: number;
  switches: number;
  finalAiSeq: number;
}

/** Run the load through the broker (`rate` > 0: at most that many tx/s); throws OEF-205 (no server / shut down) or OEF-203 (AI full). */
export async function runLoad(
  db: string,
  tx: number,
  seed: number,
  onProgress: (committed: number) => void = () => undefined,
  rate = 0,
): Promise<LoadResult> {
  const base = brokerRunningAt(db);
  if (base === null) throw new OeflowError('OEF-205', `no server is running for ${db}`, { details: { db } });
  const r = await brokerCall(
    base,
    { op: 'load', count: tx, seed, pid: process.pid, rate },
    (ev) => {
      if (ev.progress !== undefined) onProgress(ev.progress);
    },
    0,
  ).catch((err: unknown) => {
    throw new OeflowError(
      'OEF-205',
      `lost the connection to the server of ${db}: ${err instanceof Error ? err.message : String(err)}`,
      { details: { db } },
    );
  });
  const result: LoadResult = {
    db: base,
    committed: r.committed ?? 0,
    switches: r.switches ?? 0,
    finalAiSeq: r.finalSeq ?? 0,
  };
  if (r.error === 'ai-full') {
    throw new OeflowError(
      'OEF-203',
      `${r.message ?? 'AI full'} (${result.committed} of ${tx} transactions committed)`,
      { details: { ...result } },
    );
  }
  if (r.error !== undefined) {
    throw new OeflowError('OEF-205', `${r.message ?? r.error} (${result.committed} of ${tx} transactions committed)`, {
      details: { ...result },
    });
  }
  return result;
}
