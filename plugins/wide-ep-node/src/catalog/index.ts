export {
  readEntitiesDirectory,
  readDirectoryEntities,
  writeDirectoryEntity,
} from './entityDirectory';
export type { DirectoryEntity } from './entityDirectory';
