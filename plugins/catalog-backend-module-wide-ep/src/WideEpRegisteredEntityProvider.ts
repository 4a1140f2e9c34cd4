import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  REGISTERED_ENTITIES_LOCATION,
  RegisteredEntities,
} from '@internal/plugin-wide-ep-node';

/**
 * Provides the entities that apply-only rollouts registered with
 * `wide-ep:register`, read from the wide-EP backend plugin (its database,
 * shared by every backend replica). A full mutation on every run means an
 * entity removed there (`wide-ep:teardown`) leaves the catalog.
 * @public
 */
export class WideEpRegisteredEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private provided?: number;

  constructor(
    private readonly options: {
      entities: Pick<RegisteredEntities, 'list'>;
      logger: LoggerService;
      schedule: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return 'wide-ep-registered-entities';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.schedule.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /** Reads the registered entities and replaces this provider's entities in the catalog. */
  async refresh(): Promise<void> {
    if (!this.connection)
      throw new Error('WideEpRegisteredEntityProvider is not connected');
    // A failed read throws: the scheduler logs it and the catalog keeps
    // what it has, instead of a full mutation emptying it.
    const records = await this.options.entities.list();
    if (records.length !== this.provided) {
      this.options.logger.info(
        `providing ${records.length} registered wide-EP entities (apply-only rollouts)`,
      );
      this.provided = records.length;
    }
    await this.connection.applyMutation({
      type: 'full',
      entities: records.map(({ entityRef, entity }) => ({
        locationKey: this.getProviderName(),
        entity: {
          ...entity,
          metadata: {
            ...entity.metadata,
            annotations: {
              ...entity.metadata.annotations,
              'backstage.io/managed-by-location': `${REGISTERED_ENTITIES_LOCATION}/${entityRef}`,
              'backstage.io/managed-by-origin-location':
                REGISTERED_ENTITIES_LOCATION,
            },
          },
        },
      })),
    });
  }
}
