/** Polling until something happens, for tests that watch servers and processes they don't drive. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  failure: () => string,
  intervalMs = 50,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await check();
    if (found) return found;
    if (Date.now() - started > timeoutMs) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
