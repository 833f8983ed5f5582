// Builtins that only some utility calls use, loaded on their first use instead of at start:
// `node:crypto` alone is ~4 % of a call's start, `node:net` ~3 %, and a busy check needs
// neither (bench/sim-start, bench/HISTORY.md "Bundled simulator"). A static import would load them in every call,
// the bundled main.js included (the bundler hoists static imports of builtins).
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const crypto = (): typeof import('node:crypto') => load('node:crypto') as typeof import('node:crypto');
export const net = (): typeof import('node:net') => load('node:net') as typeof import('node:net');
export const readline = (): typeof import('node:readline') => load('node:readline') as typeof import('node:readline');
export const childProcess = (): typeof import('node:child_process') =>
  load('node:child_process') as typeof import('node:child_process');
