// Per-command wiring: open the store, find DLC, and turn SIGINT/SIGTERM into an abort
// signal the engine honours (the handlers are removed when the command ends).
import { loadRowSigner } from '../audit/signing.js';
import { discoverDlc } from '../openedge/dlc.js';
import { openStore, resolveStatePath, type Store, type StoreOptions } from '../store/index.js';
import type { GlobalOptions } from './io.js';

/** Store options from --signing-key / OEFLOW_SIGNING_KEY: every journal row written is signed. */
export function storeOptionsFor(opts: GlobalOptions): StoreOptions {
  const key = opts.signingKey ?? process.env.OEFLOW_SIGNING_KEY;
  return key ? { signer: loadRowSigner(key) } : {};
}

/** Open the state store named by --state / OEFLOW_STATE / the checkout default. */
export function storeFor(opts: GlobalOptions): Store {
  return openStore(resolveStatePath({ ...(opts.state ? { flag: opts.state } : {}), ...(process.env.OEFLOW_STATE ? { env: process.env.OEFLOW_STATE } : {}), cwd: process.cwd() }), storeOptionsFor(opts));
}

/** The OpenEdge installation named by --dlc / DLC (validated). */
export async function dlcFor(opts: GlobalOptions): Promise<string> {
  return (await discoverDlc({ flag: opts.dlc, env: process.env })).dlc;
}

/** Abort signal fed by SIGINT/SIGTERM while `body` runs. */
export async function withSignals<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => controller.abort(sig);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
