// `$DLC/run/broker-<pid>.json`: every broker started from this DLC registers itself,
// so a test harness can kill every broker it caused, even after a failed test.
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BrokerEntry {
  pid: number;
  base: string;
}

const dirOf = (dlc: string): string => join(dlc, 'run');

/** Record a running broker. */
export function registerBroker(dlc: string, entry: BrokerEntry): void {
  mkdirSync(dirOf(dlc), { recursive: true });
  writeFileSync(join(dirOf(dlc), `broker-${entry.pid}.json`), JSON.stringify(entry));
}

/** Forget a broker (at its exit). */
export function unregisterBroker(dlc: string, pid: number): void {
  try {
    unlinkSync(join(dirOf(dlc), `broker-${pid}.json`));
  } catch {
    // already gone
  }
}

/** Every broker registered under this DLC (some may be dead already). */
export function listBrokers(dlc: string): BrokerEntry[] {
  let names: string[];
  try {
    names = readdirSync(dirOf(dlc));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith('broker-'))
    .flatMap((n) => {
      try {
        return [JSON.parse(readFileSync(join(dirOf(dlc), n), 'utf8')) as BrokerEntry];
      } catch {
        return [];
      }
    });
}
