// A real file system in a loop-mounted image for the clone tests and bench/clone (issue 14): XFS with reflink
// (clones) or ext4 (does not). Needs root, a free loop device and mkfs; `loopFsUnavailable`
// says why not, so tests skip with that reason instead of passing silently.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoopFs {
  /** Where the file system is mounted. */
  dir: string;
  /** The loop device (`/dev/loopN`): its `/sys/block/loopN/stat` counts the bytes read from the file system. */
  device: string;
  /** umount, detach the loop device, remove the image (safe to call twice). */
  cleanup(): void;
}

/** Why loop-mounted file systems cannot be made here, or null when they can. */
export function loopFsUnavailable(kind: 'xfs' | 'ext4'): string | null {
  if (process.getuid?.() !== 0) return 'not root: loop-mounting a file system image needs root';
  if (!existsSync('/dev/loop-control')) return 'no loop device (/dev/loop-control missing)';
  const mkfs = kind === 'xfs' ? 'mkfs.xfs' : 'mkfs.ext4';
  try {
    execFileSync('sh', ['-c', `command -v ${mkfs}`], { stdio: 'ignore' });
  } catch {
    return `${mkfs} is not installed (Debian: apt-get install ${kind === 'xfs' ? 'xfsprogs' : 'e2fsprogs'})`;
  }
  return null;
}

/** Create, format and mount a `sizeMb` image; the caller must call cleanup (afterAll), even on failure. */
export function mountLoopFs(kind: 'xfs' | 'ext4', sizeMb: number): LoopFs {
  const root = mkdtempSync(join(tmpdir(), `oeflow-${kind}-`));
  const image = join(root, 'image');
  const dir = join(root, 'mnt');
  let device: string | null = null;
  let mounted = false;
  const cleanup = (): void => {
    if (mounted) {
      execFileSync('umount', [dir]);
      mounted = false;
    }
    if (device !== null) {
      execFileSync('losetup', ['-d', device]);
      device = null;
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    mkdirSync(dir);
    execFileSync('truncate', ['-s', `${sizeMb}M`, image]);
    execFileSync(
      kind === 'xfs' ? 'mkfs.xfs' : 'mkfs.ext4',
      kind === 'xfs' ? ['-q', '-m', 'reflink=1', image] : ['-q', '-F', image],
    );
    device = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
    execFileSync('mount', [device, dir]);
    mounted = true;
    return { dir, device, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}
