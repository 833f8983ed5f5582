// Utility calls run side by side (a probe reads busy, AI state and describe at once). When one
// fails, Promise.all would hand its error back at once while the others still run: oeflow could
// exit with its own utilities still running. allCalls waits for every call, then fails with the
// first failure, so no call outlives the step or plan that started it.

/** Like Promise.all, but settles only when every call has; then rejects with the first failure. */
export async function allCalls<const T extends readonly unknown[]>(
  calls: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(calls);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason as Error;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
