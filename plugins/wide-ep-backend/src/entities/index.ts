export { RegisteredEntityStore } from './RegisteredEntityStore';
export { createRegisteredEntitiesRouter } from './createRegisteredEntitiesRouter';
export { importEntitiesDirectory } from './importEntitiesDirectory';
export type { EntitiesDirectoryImport } from './importEntitiesDirectory';
