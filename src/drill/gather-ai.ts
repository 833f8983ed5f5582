// The AI files a drill's restore rolls forward, gathered into its scratch directory as COPIES:
// the drill never moves or empties the source's FULL extents nor touches the site's archived
// files, so deleting the scratch directory can never break the chain a real restore needs
// (issue 8). Archived files (plain or compressed) come from the archive directories; the FULL
// extents not archived yet are copied from the database, left FULL for the site's archiver.
import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { planAiChain, type AiChainPlan, type DecompressedFile } from '../aichain/index.js';
import type { AiScanCache } from '../aichain/index.js';
import type { OpenEdgeTools } from '../openedge/tools.js';
import { contentSha256 } from '../aichain/scan-cache.js';
import { OeflowError } from '../errors.js';
import { CLOSED_AI_STATUSES as CLOSED } from '../openedge/types.js';

export interface GatherInput {
  tools: Pick<OpenEdgeTools, 'aimageScan' | 'aimageList'>;
  /** The source database (its FULL extents are read, never changed). */
  db: string;
  /** Directories of archived AI files (read only). */
  archiveDirs: readonly string[];
  /** Where the copies go (inside the drill's scratch directory). */
  into: string;
  pairedSeq: number;
  aiBeginDate: string;
  cache?: AiScanCache;
  signal?: AbortSignal;
}

export interface GatheredAi {
  /** The proof over the copies: the restore rolls forward `plan.files`, all inside `into`. */
  plan: AiChainPlan;
  /** Compressed archives decompressed on the way (both names and hashes, for the journal). */
  decompressed: DecompressedFile[];
  /** Where each copy came from (an archived file or a FULL extent of the source). */
  copied: { from: string; to: string; seqno: number; sha256: string }[];
}

/** Copy (or decompress) every AI file from the backup's paired sequence on into `into`, and prove the chain there. */
export async function gatherAiCopies(o: GatherInput): Promise<GatheredAi> {
  await mkdir(o.into, { recursive: true });
  const common = {
    tools: o.tools,
    db: o.db,
    pairedSeq: o.pairedSeq,
    aiBeginDate: o.aiBeginDate,
    ...(o.cache ? { cache: o.cache } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  // the archived part of the chain (compressed archives decompressed beside `into`: only the
  // chain's files are copied on, so an archive's files of other chains never reach the proof)
  const archived =
    o.archiveDirs.length === 0
      ? { files: [], decompressed: [] as DecompressedFile[] }
      : await planAiChain({ ...common, inputs: o.archiveDirs, decompressInto: `${o.into}-decompressed` });
  const copied: GatheredAi['copied'] = [];
  const copy = async (from: string, name: string, seqno: number): Promise<void> => {
    const to = join(o.into, name);
    await copyFile(from, to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    const [a, b] = await Promise.all([contentSha256(from), contentSha256(to)]);
    if (a !== b)
      throw new OeflowError(
        'OEF-300',
        `the copy of ${from} in the drill's scratch space differs from it (sha256 ${a.slice(0, 16)}… vs ${b.slice(0, 16)}…)`,
      );
    copied.push({ from, to, seqno, sha256: a });
  };
  const have = new Set<number>();
  for (const f of archived.files) {
    have.add(f.seqno);
    await copy(f.path, `${String(f.seqno).padStart(8, '0')}.${basename(f.path)}`, f.seqno);
  }
  // closed extents hold the sequences not archived yet: copied, never emptied. On a replication
  // source they may be LOCKED (or ARCHIVED) until the target has them: complete files all the same
  const extents = (await o.tools.aimageList(o.db, o.signal ? { signal: o.signal } : {})).value;
  for (const e of extents.filter((x) => CLOSED.has(x.status) && x.seqno >= o.pairedSeq && !have.has(x.seqno))) {
    await copy(e.path, `${String(e.seqno).padStart(8, '0')}.${basename(e.path)}`, e.seqno);
  }
  const plan = await planAiChain({ ...common, inputs: [o.into] });
  return { plan, decompressed: archived.decompressed, copied };
}
