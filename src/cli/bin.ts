#!/usr/bin/env node
// Executable entry: run the CLI and set the process exit code (never process.exit here,
// so pending stdout is flushed).
import { runCli } from './main.js';
import { processIO } from './io.js';
import { installEarlySignals, trackedIO } from './early-signals.js';

const argv = process.argv.slice(2);
const io = trackedIO(processIO);
// a signal before the run exists still ends with one --json document (early-signals.ts)
const removeEarlySignals = installEarlySignals(io, argv.includes('--json'));
process.exitCode = await runCli(argv, io);
removeEarlySignals();
