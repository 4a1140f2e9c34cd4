export { EntityWideEpRankCard } from './EntityWideEpRankCard';
export { DEFAULT_RANK_REFRESH_INTERVAL_MS } from './refreshInterval';
export type { EntityWideEpRankCardProps } from './EntityWideEpRankCard';
