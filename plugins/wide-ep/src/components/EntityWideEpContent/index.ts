export { EntityWideEpContent } from './EntityWideEpContent';
export { day2Links } from './day2Links';
