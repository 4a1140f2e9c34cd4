export {
  readEntitiesDirectory,
  readDirectoryEntities,
  removeDirectoryEntity,
  writeDirectoryEntity,
} from './entityDirectory';
export type { DirectoryEntity } from './entityDirectory';
