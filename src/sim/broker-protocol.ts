// The broker's socket protocol (newline-delimited JSON) and its client side.
import { connect } from 'node:net';
import { socketPath } from './paths.js';

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
  | { op: 'load'; count: number; seed: number; pid: number; rate?: number };

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
  error?: 'ai-full' | 'shutdown' | 'bad-request';
  message?: string;
}

/** Send one request; stream non-final replies to `onEvent`; resolve with the final one. */
export function brokerCall(base: string, req: BrokerRequest, onEvent?: (r: BrokerReply) => void, timeoutMs = 10_000): Promise<BrokerReply> {
  return new Promise((resolvePromise, reject) => {
    const sock = connect(socketPath(base));
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
