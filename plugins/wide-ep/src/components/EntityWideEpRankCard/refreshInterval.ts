/**
 * Default time between two rank-health requests. In a file of its own: the
 * plugin's extension config (alpha.tsx) needs it at load time, and importing
 * it from the card's component file would pull the card into the main
 * bundle and defeat its lazy chunk.
 *
 * @public
 */
export const DEFAULT_RANK_REFRESH_INTERVAL_MS = 10_000;
