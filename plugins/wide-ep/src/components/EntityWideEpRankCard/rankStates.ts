import type { GroupState, RankState } from '@internal/plugin-wide-ep-common';

/** How each rank state is drawn: never by colour alone. */
export const RANK_STATE_DISPLAY: Record<
  RankState,
  { glyph: string; label: string; description: string }
> = {
  healthy: {
    glyph: '✓',
    label: 'healthy',
    description: 'Pod Ready and the rank answers /health',
  },
  starting: {
    glyph: '↻',
    label: 'starting',
    description: 'Scheduled or loading, within the startup budget',
  },
  unhealthy: {
    glyph: '✕',
    label: 'unhealthy',
    description: 'Crashed, failing /health or timing out',
  },
  unknown: {
    glyph: '?',
    label: 'unknown',
    description: 'No fresh data: API server or probe unreachable',
  },
};

export const RANK_STATES: RankState[] = [
  'healthy',
  'starting',
  'unhealthy',
  'unknown',
];

/** How a DP group's state reads above its pods, with the same glyphs. */
export const GROUP_STATE_TEXT: Record<GroupState, string> = {
  healthy: '✓ serving',
  degraded: '✕ not serving',
  starting: '↻ starting',
  unknown: '? unknown',
};
