export {
  EntityWideEpRankCard,
  DEFAULT_RANK_REFRESH_INTERVAL_MS,
} from './EntityWideEpRankCard';
export type { EntityWideEpRankCardProps } from './EntityWideEpRankCard';
