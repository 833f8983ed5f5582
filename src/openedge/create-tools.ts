// createTools(): the OpenEdgeTools implementation over runTool, the argv builders and the
// parsers. Every utility run is reported to `onResult` (the engine journals each command).
import { readFile } from 'node:fs/promises';
import { OeflowError } from '../errors.js';
import * as A from './argv.js';
import { dbPaths } from './dlc.js';
import { parseAimageList } from './parse-aimage-list.js';
import { parseAimageScan } from './parse-aimage-scan.js';
import { parseBusy, parseHolder } from './parse-busy.js';
import { parseDescribe } from './parse-describe.js';
import { rollForwardLogState } from './parse-lg.js';
import { parseLk, unreadableLk } from './parse-lk.js';
import { readTextFrom } from './read-text-from.js';
import { hasMessage, Msg } from './messages.js';
import { runTool, type Utility } from './runner.js';
import { paramsFor, type UtilityParams } from './utility-params.js';
import type { OpenEdgeTools } from './tools.js';
import type { CallOptions, LkInfo, Parsed, ToolResult } from './types.js';

export interface CreateToolsOptions {
  dlc: string;
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  /** The database's startup parameters (utility-params.ts): each call gets those it takes. */
  params?: UtilityParams;
  onResult?: (r: ToolResult) => void;
  /** Called before every utility process starts (the engine makes its rows so far durable). */
  beforeSpawn?: () => void;
  /** A utility process started: its pid, with the utility first in argv, and the id its mark gave it. */
  onSpawn?: (s: { pid: number; argv: string[]; spawnId?: string }) => void;
  /** Environment that marks each call's process as the caller's (engine/run-marker.ts), fresh per call. */
  markSpawn?: () => { spawnId: string; env: Record<string, string> };
}

/** The OpenEdge operations for one installation; database paths are passed through as given. */
export function createTools(o: CreateToolsOptions): OpenEdgeTools {
  const run = async (utility: Utility, ownArgv: string[], c: CallOptions = {}): Promise<ToolResult> => {
    const extra = paramsFor(utility, ownArgv, o.params ?? {});
    const argv = [...ownArgv, ...extra.args];
    o.beforeSpawn?.();
    const mark = o.markSpawn?.();
    const env = mark === undefined ? o.env : { ...o.env, ...mark.env };
    const ran = await runTool(o.dlc, utility, argv, {
      ...(c.signal === undefined ? {} : { signal: c.signal }),
      ...(c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }),
      ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
      ...(env === undefined ? {} : { env }),
      ...(extra.stdin === undefined ? {} : { input: extra.stdin.text }),
      ...(o.onSpawn === undefined
        ? {}
        : {
            onSpawn: (pid: number) =>
              o.onSpawn?.({ pid, argv: [utility, ...argv], ...(mark === undefined ? {} : { spawnId: mark.spawnId }) }),
          }),
    });
    const r: ToolResult = extra.stdin === undefined ? ran : { ...ran, stdin: extra.stdin.note };
    o.onResult?.(r);
    refuseKeyStore(r, o.params ?? {});
    return r;
  };
  // Parsed outputs are only trusted from a clean exit; anything else is OEF-013 with the run.
  const parsed = async <T>(
    utility: Utility,
    argv: string[],
    c: CallOptions | undefined,
    parse: (r: ToolResult) => T,
  ): Promise<Parsed<T>> => {
    const result = await run(utility, argv, c);
    if (result.exitCode !== 0) throw failedRun(result);
    try {
      return { value: parse(result), result };
    } catch (err) {
      if (err instanceof OeflowError)
        throw new OeflowError(err.code, err.message, { cause: err, details: { ...err.details, result } });
      throw err;
    }
  };
  return {
    dlc: o.dlc,
    proshut: (db, mode, c) => run('proshut', A.proshutArgv(db, mode), c),
    proserve: (db, args, c) => run('proserve', A.proserveArgv(db, args), c),
    busy: async (db, c) => {
      const result = await run('proutil', A.busyArgv(db), c);
      return { value: parseBusy(result), result };
    },
    holder: async (db, c) => {
      const result = await run('proutil', A.holderArgv(db), c);
      return { value: parseHolder(result), result };
    },
    truncateBi: (db, c) => run('proutil', A.truncateBiArgv(db), c),
    describe: (db, c) => parsed('proutil', A.describeArgv(db), c, (r) => parseDescribe(r.stdout)),
    disableSiteReplication: (db, role, c) => run('proutil', A.disableSiteReplicationArgv(db, role), c),
    aimageList: (db, c) => parsed('rfutil', A.aimageListArgv(db), c, (r) => parseAimageList(r.stdout)),
    aimageNew: (db, c) => run('rfutil', A.aimageNewArgv(db), c),
    aimageScan: (db, aiFile, c) =>
      parsed('rfutil', A.aimageScanArgv(db, aiFile), c, (r) => parseAimageScan(aiFile, r.messages)),
    markBackedup: (db, c) => run('rfutil', A.markBackedupArgv(db), c),
    sequence: (db, c) => run('rfutil', A.sequenceArgv(db), c),
    rollForward: (db, aiFile, c = {}) => run('rfutil', A.rollForwardArgv(db, aiFile, c), c),
    quietEnable: (db, c) => run('proquiet', A.quietEnableArgv(db), c),
    quietDisable: (db, c) => run('proquiet', A.quietDisableArgv(db), c),
    prostrctList: (db, stFile, c) => run('prostrct', A.prostrctListArgv(db, stFile), c),
    prostrctRepair: (db, stFile, c) => run('prostrct', A.prostrctRepairArgv(db, stFile), c),
    readLk: async (db) => readLk(dbPaths(db, o.cwd).lkFile),
    rollForwardLog: async (db, since, fromByte) =>
      rollForwardLogState(await readTextFrom(dbPaths(db, o.cwd).lgFile, fromByte), since),
  };
}

/** The ToolResult an OEF-013 from createTools carries, if any (callers classify by its messages). */
export function resultOf(err: unknown): ToolResult | undefined {
  if (!(err instanceof OeflowError)) return undefined;
  const r = err.details.result;
  return isToolResult(r) ? r : undefined;
}

function isToolResult(v: unknown): v is ToolResult {
  return (
    typeof v === 'object' &&
    v !== null &&
    'argv' in v &&
    'messages' in v &&
    Array.isArray((v as { messages: unknown }).messages)
  );
}

/**
 * An encrypted database's key store refused the call: no step can go on, whatever it was
 * doing, so this is a coded refusal (OEF-124 no passphrase, OEF-125 wrong one) rather than a
 * result to classify. The utility refused before opening the database: nothing was changed.
 */
function refuseKeyStore(r: ToolResult, p: UtilityParams): void {
  const db = r.argv[r.utility === 'prostrct' ? 1 : 0] ?? '?';
  if (hasMessage(r, Msg.passphraseRequired) && p.passphrase === undefined) {
    throw new OeflowError(
      'OEF-124',
      `${db} is encrypted: ${r.utility} needs its key store passphrase, and none was given.`,
      { details: { result: r, db } },
    );
  }
  if (hasMessage(r, Msg.passphraseWrong) || hasMessage(r, Msg.passphraseRequired)) {
    throw new OeflowError(
      'OEF-125',
      `${r.utility} did not accept the passphrase given for ${db} (message ${hasMessage(r, Msg.passphraseWrong) ? Msg.passphraseWrong : Msg.passphraseRequired}).`,
      { details: { result: r, db } },
    );
  }
}

function failedRun(r: ToolResult): OeflowError {
  const how =
    r.exitCode === null
      ? `was ended (${r.signal ?? (r.cancelled ? 'cancelled' : 'no exit code')})`
      : `exited ${r.exitCode}`;
  const nums = r.messages.map((m) => m.number);
  return new OeflowError(
    'OEF-013',
    `${r.utility} ${r.argv.join(' ')} ${how}${nums.length > 0 ? ` with messages ${nums.join(', ')}` : ''}.`,
    {
      details: { result: r },
    },
  );
}

// Absent → null; present but unreadable (EACCES, a directory…) → in use, never stale.
async function readLk(file: string): Promise<LkInfo | null> {
  try {
    return parseLk(await readFile(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return unreadableLk(code ?? String(err));
  }
}
