// The broker's socket protocol (newline-delimited JSON) and its client side.
import { fileURLToPath } from 'node:url';
import { net } from './builtins.js';
import { socketPath } from './paths.js';

/**
 * The broker's entry script, which proserve starts: next to this module in dist/src/sim, and
 * next to main.js when main.js is the bundle of this module (scripts/bundle-sim.mjs); named
 * through `../sim/` so the CLI's bundle chunks in dist/src/cli find it too (scripts/bundle-cli.mjs).
 */
export const brokerScript = (): string => fileURLToPath(new URL('../sim/broker.js', import.meta.url));

export interface UserRow {
  usr: number;
  pid: number;
  loginTime: number;
  user: string;
  type: string;
  tty: string;
}

export type BrokerRequest =
  | { op: 'ping' }
  | { op: 'list' }
  | { op: 'shutdown'; mode: 'by' | 'bn' }
  | { op: 'load'; count: number; seed: number; pid: number; rate?: number }
  /** Begin a transaction that holds the update lock until `commit` on the same connection (or backout when the connection goes). */
  | { op: 'hold'; pid: number; updateLock?: boolean }
  | { op: 'commit' };

export interface BrokerReply {
  final?: boolean;
  ok?: boolean;
  pid?: number;
  users?: UserRow[];
  refused?: boolean;
  userCount?: number;
  progress?: number;
  committed?: number;
  switches?: number;
  finalSeq?: number;
  /** `hold`: the trid of the transaction now held open. */
  held?: number;
  error?: 'ai-full' | 'bi-threshold' | 'shutdown' | 'bad-request';
  message?: string;
}

/** Send one request; stream non-final replies to `onEvent`; resolve with the final one. */
export function brokerCall(
  base: string,
  req: BrokerRequest,
  onEvent?: (r: BrokerReply) => void,
  timeoutMs = 10_000,
): Promise<BrokerReply> {
  return new Promise((resolvePromise, reject) => {
    const sock = net().connect(socketPath(base));
    let buf = '';
    let done = false;
    const timer = timeoutMs > 0 ? setTimeout(() => finish(new Error('broker did not answer')), timeoutMs) : null;
    const finish = (result: BrokerReply | Error): void => {
      if (done) return;
      done = true;
      if (timer !== null) clearTimeout(timer);
      sock.destroy();
      if (result instanceof Error) reject(result);
      else resolvePromise(result);
    };
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const reply = JSON.parse(buf.slice(0, nl)) as BrokerReply;
        buf = buf.slice(nl + 1);
        if (reply.final === true) finish(reply);
        else onEvent?.(reply);
      }
    });
    sock.on('error', (err) => finish(err));
    sock.on('close', () => finish(new Error('connection to the broker was closed')));
  });
}

/** A transaction held open by `holdTransaction`: `commit` ends it, `abandon` drops the connection (the broker backs it out). */
export interface HeldTransaction {
  trid: number;
  commit(): Promise<BrokerReply>;
  abandon(): void;
}

/**
 * Begin a transaction on the broker of `base` and keep it open: with `updateLock` (default) it
 * is in the middle of an update and holds the update lock (a quiet point enable waits for
 * it); without, it is between updates (a quiet point comes and the copy holds it in flight).
 */
export function holdTransaction(base: string, updateLock = true, timeoutMs = 10_000): Promise<HeldTransaction> {
  return new Promise((resolveHeld, reject) => {
    const sock = net().connect(socketPath(base));
    let buf = '';
    let onFinal: ((r: BrokerReply) => void) | null = null;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('broker did not answer'));
    }, timeoutMs);
    sock.on('connect', () =>
      sock.write(`${JSON.stringify({ op: 'hold', pid: process.pid, updateLock } satisfies BrokerRequest)}\n`),
    );
    sock.on('error', (err) => reject(err));
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const r = JSON.parse(buf.slice(0, nl)) as BrokerReply;
        buf = buf.slice(nl + 1);
        if (r.held !== undefined) {
          clearTimeout(timer);
          const trid = r.held;
          resolveHeld({
            trid,
            commit: () =>
              new Promise((res) => {
                onFinal = (x) => {
                  sock.destroy();
                  res(x);
                };
                sock.write(`${JSON.stringify({ op: 'commit' } satisfies BrokerRequest)}\n`);
              }),
            abandon: () => sock.destroy(),
          });
        } else if (r.final === true) {
          clearTimeout(timer);
          if (onFinal !== null) onFinal(r);
          else {
            sock.destroy();
            reject(new Error(r.message ?? r.error ?? 'hold refused'));
          }
        }
      }
    });
  });
}
