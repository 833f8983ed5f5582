// What a running utility gets: its arguments, screen output (numbered messages are
// printed and logged to the db's .lg), fault gates, and exit handling.
import { writeSync } from 'node:fs';
import { logInvocation } from './invocation-log.js';
import { appendLog, type LogSource, type Severity } from './log-file.js';
import { screen, type Msg } from './messages.js';
import type { Fault } from './faults.js';
import type { StartupParams } from './startup-params.js';

/** Thrown to end the utility with an exit code after its messages were printed. */
export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export class Session {
  /** The db's .lg once the db is known to exist; messages are logged there. */
  lg: string | null = null;
  src: LogSource;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    readonly utility: string,
    readonly args: readonly string[],
    readonly dlc: string,
    readonly fault: Fault | null,
    /** The standard startup parameters taken out of the command line. */
    readonly params: StartupParams = { passphrase: false, readOnly: false },
  ) {
    this.src = { tag: utility.toUpperCase(), usr: 5 };
  }

  /** Write one line to stdout, synchronously (so a crash fault cannot reorder it). */
  print(text: string): void {
    try {
      writeSync(1, `${text}\n`);
    } catch (err) {
      // a closed pipe (`| head`) must not turn a successful utility into a failure
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
    }
  }

  /** Print numbered messages and log them to the .lg. */
  say(msgs: Msg | readonly Msg[], severity: Severity = 'I'): void {
    const list = Array.isArray(msgs) ? (msgs as readonly Msg[]) : [msgs as Msg];
    for (const m of list) this.print(screen(m));
    this.log(list, severity);
  }

  /** Log without printing. */
  log(msgs: readonly Msg[], severity: Severity = 'I'): void {
    if (this.lg !== null) appendLog(this.lg, this.src, msgs, severity);
  }

  /** Print error messages and stop with exit code 1 (or `code`). */
  fail(msgs: Msg | readonly Msg[], code = 1): never {
    this.say(msgs, 'E');
    throw new Exit(code);
  }

  /** Run at a normal or failed end (not after a crash fault): e.g. remove our .lk. */
  onCleanup(fn: () => void): void {
    this.cleanups.push(fn);
  }

  runCleanups(): void {
    for (const fn of this.cleanups.splice(0).reverse()) fn();
  }

  /** Fault gate before any change: `fail` prints the failure and exits 1, `hang` sleeps until killed. */
  async gate(failMsgs: readonly Msg[], failCode = 1): Promise<void> {
    if (this.fault?.mode === 'fail') this.fail(failMsgs, failCode);
    if (this.fault?.mode === 'hang') {
      logInvocation(this.dlc, { phase: 'hung', argv: [this.utility, ...this.args] });
      await new Promise<never>(() => setInterval(() => undefined, 1 << 30));
    }
  }

  /** Crash point after the work, before the success output: SIGKILL ourselves. */
  crashPoint(): void {
    if (this.fault?.mode === 'crash' || this.fault?.mode === 'crash-half') this.die();
  }

  /** Die by SIGKILL now (the invocation log gets its end line first). */
  die(): never {
    logInvocation(this.dlc, { phase: 'end', argv: [this.utility, ...this.args], exitCode: null, signal: 'SIGKILL' });
    process.kill(process.pid, 'SIGKILL');
    throw new Exit(137);
  }
}
