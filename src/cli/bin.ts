#!/usr/bin/env node
// Executable entry: run the CLI and set the process exit code (never process.exit here,
// so pending stdout is flushed).
import { runCli } from './main.js';
import { processIO } from './io.js';

process.exitCode = await runCli(process.argv.slice(2), processIO);
