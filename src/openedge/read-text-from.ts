// Reading a growing log (the database's .lg) from where an earlier read stopped, so its cost
// does not grow with the log's size.
import { open } from 'node:fs/promises';

/** A text file from `fromByte` to the end ('' when missing); the whole file when it is shorter than that (truncated since). */
export async function readTextFrom(file: string, fromByte = 0): Promise<string> {
  const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (fh === null) return '';
  try {
    const { size } = await fh.stat();
    const start = fromByte <= size ? fromByte : 0;
    const buf = Buffer.allocUnsafe(size - start);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got).toString('utf8');
  } finally {
    await fh.close();
  }
}
