// A store of its own for each test that needs one: a temp directory with `state.db`, closed and
// removed after the test (the afterEach is registered by the call at the top of a file or describe).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';

export interface TempStore {
  dir: string;
  store: Store;
}

/** Returns `open(prefix)`: a new temp directory and a store in it, both gone after the test that opened them. */
export function useTempStores(): (prefix: string) => TempStore {
  const opened: TempStore[] = [];
  afterEach(() => {
    for (const { dir, store } of opened.splice(0)) {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const t = { dir, store: openStore(join(dir, 'state.db')) };
    opened.push(t);
    return t;
  };
}
