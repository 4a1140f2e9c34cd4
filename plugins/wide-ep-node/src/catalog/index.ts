export {
  readEntitiesDirectory,
  readDirectoryEntities,
} from './entityDirectory';
export {
  REGISTERED_ENTITIES_LOCATION,
  formatRegisteredEntityRef,
  parseRegisteredEntityRef,
  registeredEntityKeyOf,
} from './registeredEntities';
export type {
  EntityDocument,
  RegisteredEntities,
  RegisteredEntityKey,
  RegisteredEntityRecord,
} from './registeredEntities';
export { RegisteredEntitiesClient } from './RegisteredEntitiesClient';
