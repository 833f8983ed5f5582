// Waiting for a condition in tests: polled, bounded, never a fixed delay.

/** Poll until `check()` is true (or fail after `ms`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
