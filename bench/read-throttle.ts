// A read-bandwidth cap for the benchmark process and its children (cgroup v1 blkio throttle),
// so that a copy can be measured where it is storage-bound, as a production database larger
// than RAM is during a backup. Needs root and the cgroup v1 blkio controller.
import { existsSync, mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BLKIO = '/sys/fs/cgroup/blkio';

/** major:minor of the whole disk holding `path` (a throttle applies to disks, not partitions). */
export function diskOf(path: string): string {
  const dev = statSync(path).dev;
  const majorMinor = `${Math.floor(dev / 256) & 0xfff}:${(dev & 0xff) | (Math.floor(dev / 4096) & 0xfff00)}`;
  const sys = `/sys/dev/block/${majorMinor}`;
  if (!existsSync(sys)) throw new Error(`${path} is not on a block device (${majorMinor}); a read cap needs one.`);
  // A partition's sysfs directory has a `partition` file; its parent directory is the disk.
  return existsSync(join(sys, 'partition')) ? readFileSync(join(sys, '..', 'dev'), 'utf8').trim() : majorMinor;
}

export interface ReadThrottle {
  disk: string;
  bytesPerSecond: number;
  /** Moves this process back to the root group and removes the group. */
  release: () => void;
}

/**
 * Cap reads from the disk holding `path` at `mbPerSecond` (10^6 bytes) for this process and
 * every process it starts from now on. Writes stay uncapped (cgroup v1 does not throttle
 * buffered writeback), so the cap models a slow source, not a slow destination.
 */
export function capReads(path: string, mbPerSecond: number): ReadThrottle {
  if (!existsSync(join(BLKIO, 'blkio.throttle.read_bps_device'))) {
    throw new Error(
      `OEFLOW_BENCH_READ_MBPS needs the cgroup v1 blkio controller at ${BLKIO} (cgroup v2 io.max is not supported by this benchmark).`,
    );
  }
  const disk = diskOf(path);
  const bytesPerSecond = Math.round(mbPerSecond * 1e6);
  const group = join(BLKIO, `oeflow-bench-${process.pid}`);
  mkdirSync(group);
  try {
    writeFileSync(join(group, 'blkio.throttle.read_bps_device'), `${disk} ${bytesPerSecond}`);
    writeFileSync(join(group, 'cgroup.procs'), String(process.pid));
  } catch (err) {
    rmdirSync(group);
    throw err;
  }
  return {
    disk,
    bytesPerSecond,
    release: () => {
      writeFileSync(join(BLKIO, 'cgroup.procs'), String(process.pid));
      rmdirSync(group);
    },
  };
}
