// Runs `oeflow <argv>` inside the test's own process: the built CLI's one exit point
// (dist/src/cli/main.js runCli) with the environment, working directory and output a spawned
// `node dist/src/cli/bin.js` would get, without the cost of starting node for every command.
// Only for commands that need no process of their own: a crash point (OEFLOW_CRASH_AT kills
// the process), a kill or a signal sent to oeflow, a lock or guard that watches oeflow's pid,
// and two commands racing each other all need spawnOeflow.
import { readdirSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type RunCli = typeof import('../../src/cli/main.js').runCli;

const MAIN_JS = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

export interface InProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

let runCliOfDist: RunCli | undefined;
let running: string | undefined;
let outsideEnv: NodeJS.ProcessEnv = process.env;
let outsideCwd = process.cwd();

/** True while a command runs in this process: another one at the same time needs a process of its own. */
export function inProcessBusy(): boolean {
  return running !== undefined;
}

/** The test process's own environment and directory (not those of a command running in it), for a child spawned meanwhile. */
export function outsideCommand(): { env: Record<string, string>; cwd: string } {
  return running === undefined
    ? { env: { ...process.env } as Record<string, string>, cwd: process.cwd() }
    : { env: { ...outsideEnv } as Record<string, string>, cwd: outsideCwd };
}

/** What a spawned CLI's stream looks like once execa has read it: one final newline stripped. */
function stripFinalNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Regular files this process holds open (fd → path), to catch a store the command left open. */
function openFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    } // the directory's own fd, gone by now
    if (target.startsWith('/') && !target.startsWith('/dev/') && !target.startsWith('/proc/')) files.set(fd, target);
  }
  return files;
}

/** Replace the real environment in place (os.homedir(), TZ and child processes read it). */
function setEnvironment(env: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else if (process.env[key] !== value) process.env[key] = value;
  }
}

/**
 * Run `oeflow <argv>` in this process. `env` extends the test process's environment, as execa
 * does for a child; `cwd` is the command's working directory. The environment, working
 * directory, process.exitCode and signal handlers are restored afterwards, and a command that
 * leaves a file open (a store it did not close) fails the call.
 */
export async function runOeflowInProcess(
  argv: readonly string[],
  o: { env?: Record<string, string>; cwd?: string } = {},
): Promise<InProcessResult> {
  if (o.env?.['OEFLOW_CRASH_AT'])
    throw new Error(`oeflow ${argv.join(' ')}: OEFLOW_CRASH_AT kills the process it runs in; spawn it (spawnOeflow)`);
  if (running !== undefined)
    throw new Error(
      `oeflow ${argv.join(' ')} started while \`oeflow ${running}\` still runs in this process: commands that run at the same time need processes of their own (spawnOeflow)`,
    );
  running = argv.join(' ');
  runCliOfDist ??= ((await import(pathToFileURL(MAIN_JS).href)) as { runCli: RunCli }).runCli;
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  outsideEnv = savedEnv;
  outsideCwd = savedCwd;
  const savedExitCode = process.exitCode;
  const signalListeners = new Map(
    ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'].map((s) => [s, process.listeners(s as NodeJS.Signals)] as const),
  );
  const filesBefore = openFiles();
  let stdout = '';
  let stderr = '';
  let exitCode: number;
  try {
    setEnvironment({ ...savedEnv, ...o.env });
    if (o.cwd !== undefined) process.chdir(o.cwd);
    exitCode = await runCliOfDist([...argv], {
      out: (t) => {
        stdout += t;
      },
      err: (t) => {
        stderr += t;
      },
      interactive: false,
    });
  } finally {
    setEnvironment(savedEnv);
    process.chdir(savedCwd);
    process.exitCode = savedExitCode;
    for (const [sig, listeners] of signalListeners) {
      for (const l of process.listeners(sig as NodeJS.Signals)) if (!listeners.includes(l)) process.off(sig, l);
    }
    running = undefined;
  }
  const leaked = [...openFiles()].filter(([fd, path]) => filesBefore.get(fd) !== path).map(([, path]) => path);
  if (leaked.length > 0)
    throw new Error(`oeflow ${argv.join(' ')} left ${leaked.length} file(s) open: ${leaked.join(', ')}`);
  return { exitCode, stdout: stripFinalNewline(stdout), stderr: stripFinalNewline(stderr) };
}
