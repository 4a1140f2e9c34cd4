import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ForwardedError, ResponseError } from '@backstage/errors';
import {
  EntityDocument,
  RegisteredEntities,
  RegisteredEntityKey,
  RegisteredEntityRecord,
  formatRegisteredEntityRef,
  parseRegisteredEntityRef,
  registeredEntityKeyOf,
} from './registeredEntities';

/** Plugin id of the wide-EP backend plugin, which owns the registered entities. */
const WIDE_EP_PLUGIN_ID = 'wide-ep';

/**
 * {@link RegisteredEntities} over HTTP: the service-only
 * `/api/wide-ep/registered-entities` routes of the wide-EP backend plugin,
 * called with this plugin's own service token. Discovery resolves to the
 * backend the caller runs in, so a replica never depends on another one.
 * @public
 */
export class RegisteredEntitiesClient implements RegisteredEntities {
  constructor(
    private readonly options: {
      discovery: Pick<DiscoveryService, 'getBaseUrl'>;
      auth: Pick<
        AuthService,
        'getOwnServiceCredentials' | 'getPluginRequestToken'
      >;
      /** Injected by tests; the global fetch otherwise. */
      fetch?: typeof fetch;
    },
  ) {}

  async upsert(
    entity: EntityDocument,
  ): Promise<{ entityRef: string; created: boolean }> {
    const key = registeredEntityKeyOf(entity);
    return this.call(`register ${formatRegisteredEntityRef(key)}`, 'PUT', key, {
      body: entity,
    });
  }

  async get(entityRef: string): Promise<RegisteredEntityRecord | undefined> {
    const key = parseRegisteredEntityRef(entityRef);
    return this.call(`look up ${formatRegisteredEntityRef(key)}`, 'GET', key, {
      notFound: undefined,
    });
  }

  async remove(entityRef: string): Promise<boolean> {
    const key = parseRegisteredEntityRef(entityRef);
    const body: { removed: boolean } = await this.call(
      `unregister ${formatRegisteredEntityRef(key)}`,
      'DELETE',
      key,
    );
    return body.removed;
  }

  async list(): Promise<RegisteredEntityRecord[]> {
    const body: { items: RegisteredEntityRecord[] } = await this.call(
      'list registered entities',
      'GET',
    );
    return body.items;
  }

  private async call<T>(
    what: string,
    method: 'GET' | 'PUT' | 'DELETE',
    key?: RegisteredEntityKey,
    extra: { body?: unknown; notFound?: T } = {},
  ): Promise<T> {
    const { discovery, auth } = this.options;
    const base = await discovery.getBaseUrl(WIDE_EP_PLUGIN_ID);
    const url = `${base}/registered-entities${
      key
        ? `/${[key.kind, key.namespace, key.name]
            .map(encodeURIComponent)
            .join('/')}`
        : ''
    }`;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: WIDE_EP_PLUGIN_ID,
    });
    const context = `could not ${what} with the wide-EP backend plugin (${method} ${url})`;
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(extra.body ? { 'content-type': 'application/json' } : {}),
        },
        body: extra.body ? JSON.stringify(extra.body) : undefined,
      });
    } catch (error) {
      throw new ForwardedError(context, error);
    }
    if (!res.ok) {
      const failure = await ResponseError.fromResponse(res);
      // The route answers NotFoundError for an entity that is not
      // registered; a backend without the plugin answers a bare 404.
      if (res.status === 404 && 'notFound' in extra) {
        if (failure.cause?.name === 'NotFoundError') return extra.notFound as T;
      }
      throw new ForwardedError(
        res.status === 404 && failure.cause?.name !== 'NotFoundError'
          ? `${context}; is @internal/plugin-wide-ep-backend installed in this backend?`
          : context,
        failure.cause ?? failure,
      );
    }
    return (await res.json()) as T;
  }
}
