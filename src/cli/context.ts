// Per-command wiring: open the store, find DLC, and turn SIGINT/SIGTERM into an abort
// signal the engine honours (the handlers are removed when the command ends).
import { existsSync } from 'node:fs';
import { loadRowSigner } from '../audit/signing.js';
import { OeflowError } from '../errors.js';
import { discoverDlc } from '../openedge/dlc.js';
import { openStore, resolveStatePath, type Store, type StoreOptions } from '../store/index.js';
import { ABORT_SIGNALS, drivingRun } from './early-signals.js';
import type { GlobalOptions } from './io.js';

/** Store options from --signing-key / OEFLOW_SIGNING_KEY: every journal row written is signed. */
export function storeOptionsFor(opts: GlobalOptions): StoreOptions {
  const key = opts.signingKey ?? process.env.OEFLOW_SIGNING_KEY;
  return key ? { signer: loadRowSigner(key) } : {};
}

/**
 * Open the state store named by --state (or the configuration's `store`) / OEFLOW_STATE /
 * ~/.oeflow/oeflow.db. With `existing` (commands that only read), nothing is ever created: a
 * store named explicitly must exist (a mistyped path is an error, not a new empty store that
 * says "no runs"), and a default store that does not exist yet reads as an empty one.
 */
export function storeFor(opts: GlobalOptions, o: { existing?: boolean; storeOptions?: StoreOptions } = {}): Store {
  const storeOptions = o.storeOptions ?? storeOptionsFor(opts);
  const explicit = opts.state ?? process.env.OEFLOW_STATE;
  const readOnly = o.existing === true;
  const path = resolveStatePath({
    ...(opts.state ? { flag: opts.state } : {}),
    ...(process.env.OEFLOW_STATE ? { env: process.env.OEFLOW_STATE } : {}),
    cwd: process.cwd(),
    createDir: !readOnly,
  });
  if (readOnly && path !== ':memory:' && !existsSync(path)) {
    if (explicit)
      throw new OeflowError('OEF-020', `There is no state store at ${path}.`, {
        hint: 'Check --state / OEFLOW_STATE / `store` in the configuration: it must name the store your runs were recorded in.',
        details: { path },
      });
    return openStore(':memory:', storeOptions); // nothing recorded yet, and nothing created
  }
  return openStore(path, storeOptions);
}

/** The OpenEdge installation named by --dlc / DLC (validated). */
export async function dlcFor(opts: GlobalOptions): Promise<string> {
  return (await discoverDlc({ flag: opts.dlc, env: process.env })).dlc;
}

/** Abort signal fed by the abort signals while `body` runs. */
export async function withSignals<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => controller.abort(sig);
  for (const sig of ABORT_SIGNALS) process.on(sig, onSignal);
  try {
    return await drivingRun(() => body(controller.signal));
  } finally {
    for (const sig of ABORT_SIGNALS) process.off(sig, onSignal);
  }
}
