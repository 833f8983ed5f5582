// Runs `npm test`'s checks at the same time: the first command (the test run) prints as it goes,
// each other command's output is printed in one piece when it ends, so outputs never interleave.
// Every command runs to its end (one failure does not hide another); the exit code is the first
// failing command's, in the order given. Usage: node scripts/together.mjs "<cmd>" "<cmd>" …
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';

const commands = process.argv.slice(2);
if (commands.length === 0) {
  process.stderr.write('usage: node scripts/together.mjs "<command>" ["<command>" …]\n');
  process.exit(2);
}

/** Run one command through the shell (npm puts node_modules/.bin on PATH); resolve its exit code. */
function run(command, streamed) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: streamed ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    if (!streamed) {
      child.stdout.on('data', (c) => chunks.push(c));
      child.stderr.on('data', (c) => chunks.push(c));
    }
    child.on('error', (err) => chunks.push(Buffer.from(`${err.message}\n`)));
    child.on('close', (code, signal) => {
      const exit = code ?? 1;
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const verdict = exit === 0 ? 'ok' : signal ? `killed by ${signal}` : `failed (exit ${exit})`;
      process.stdout.write(`\n── ${command}: ${verdict} in ${seconds} s\n${Buffer.concat(chunks).toString()}`);
      resolve(exit);
    });
  });
}

const codes = await Promise.all(commands.map((c, i) => run(c, i === 0)));
process.exitCode = codes.find((c) => c !== 0) ?? 0;
