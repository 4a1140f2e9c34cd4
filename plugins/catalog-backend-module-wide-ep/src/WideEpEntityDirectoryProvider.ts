import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { readDirectoryEntities } from '@internal/plugin-wide-ep-node';

/**
 * Provides the entities that apply-only rollouts wrote with
 * `wide-ep:register`. Reads only the one configured folder; a full
 * mutation on every run means deleting a file unregisters its entity.
 * @public
 */
export class WideEpEntityDirectoryProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      directory: string;
      logger: LoggerService;
      schedule: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return 'wide-ep-directory';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.schedule.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /** Reads the folder and replaces this provider's entities in the catalog. */
  async refresh(): Promise<void> {
    if (!this.connection)
      throw new Error('WideEpEntityDirectoryProvider is not connected');
    const { directory, logger } = this.options;
    const { entities, errors } = await readDirectoryEntities(directory);
    for (const e of errors) logger.warn(`skipping ${e.file}: ${e.message}`);
    const location = `file:${directory}`;
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(({ file, entity }) => ({
        locationKey: `${this.getProviderName()}:${directory}`,
        entity: {
          ...entity,
          metadata: {
            ...entity.metadata,
            annotations: {
              ...entity.metadata.annotations,
              'backstage.io/managed-by-location': `file:${file}`,
              'backstage.io/managed-by-origin-location': location,
            },
          },
        },
      })),
    });
  }
}
