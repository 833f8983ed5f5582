// Once, after the whole suite: the tests SIGKILL oeflow on purpose (crash tests, guards), and a
// killed oeflow leaves its scratch directories, which production sweeps only when they are an hour
// old (src/scratch-dir.ts). The same sweep, with the hour already passed, leaves none behind.
import { LEFT_BEHIND_AFTER_MS, removeLeftBehind } from '../../src/scratch-dir.js';

export async function teardown(): Promise<void> {
  await removeLeftBehind(Date.now() + LEFT_BEHIND_AFTER_MS);
}
