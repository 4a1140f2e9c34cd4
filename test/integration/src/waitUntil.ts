/**
 * Polls `probe` every 500 ms until it returns a value (not undefined);
 * errors count as "not yet". Fails after `timeoutMs` naming what it waited
 * for and the last error.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${
          last ? ` (last error: ${last})` : ''
        }`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}
