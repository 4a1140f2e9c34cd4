/** `2026-11-22T10:00:05.123Z` → `2026-11-22 10:00:05 UTC`; other strings unchanged. */
export function formatTimestamp(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(
    iso,
  );
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** KV cache usage (0..1) as a whole percentage. */
export function formatPercent(fraction: number | undefined): string {
  return fraction === undefined ? '–' : `${Math.round(fraction * 100)}%`;
}

/** The message a user can act on: for a `ResponseError`, the server's own message. */
export function errorMessage(error: Error): string {
  const e = error as Error & { cause?: unknown; statusCode?: number };
  if (
    e.name === 'ResponseError' &&
    typeof e.cause === 'object' &&
    e.cause !== null
  ) {
    const cause = e.cause as { message?: string };
    if (cause.message) return `${cause.message} (HTTP ${e.statusCode})`;
  }
  return error.message;
}
