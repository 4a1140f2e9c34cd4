import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  RegisteredEntities,
  formatRegisteredEntityRef,
  parseRegisteredEntityRef,
  registeredEntityKeyOf,
} from '@internal/plugin-wide-ep-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';

/**
 * Who may call, by service subject. Users never: the scaffolder checks
 * `catalog.entity.create` for the task's initiator before it registers, and
 * a user writing here directly would skip that check.
 */
const WRITERS = ['plugin:scaffolder'];
const READERS = ['plugin:catalog', 'plugin:scaffolder'];

const entitySchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});

async function serviceCaller(
  httpAuth: HttpAuthService,
  req: express.Request,
  allowed: string[],
  what: string,
): Promise<BackstageCredentials<BackstageServicePrincipal>> {
  const credentials = await httpAuth.credentials(req, { allow: ['service'] });
  if (!allowed.includes(credentials.principal.subject)) {
    throw new NotAllowedError(
      `only ${allowed.join(
        ' and ',
      )} may ${what} registered wide-EP entities (caller: ${
        credentials.principal.subject
      })`,
    );
  }
  return credentials;
}

function keyOf(req: express.Request) {
  const { kind, namespace, name } = req.params;
  return parseRegisteredEntityRef(`${kind}:${namespace}/${name}`);
}

/**
 * Service-only routes of the registered entities of apply-only rollouts,
 * mounted at `/api/wide-ep/registered-entities`:
 * - `GET /` answers `{ items: RegisteredEntityRecord[] }` (the catalog module);
 * - `GET /:kind/:namespace/:name` answers one, 404 when not registered;
 * - `PUT /:kind/:namespace/:name` with the entity as body registers or
 *   replaces it and answers `{ entityRef, created }` (idempotent);
 * - `DELETE /:kind/:namespace/:name` answers `{ removed }`.
 * Only the scaffolder writes and only the catalog and the scaffolder read;
 * users get 401 or 403 on every route.
 * @public
 */
export function createRegisteredEntitiesRouter(options: {
  httpAuth: HttpAuthService;
  entities: RegisteredEntities;
}): express.Router {
  const { httpAuth, entities } = options;
  const router = Router();
  // Its own body parser, ahead of the plugin's other routes: an entity
  // carries its whole spec as an annotation.
  router.use('/registered-entities', express.json({ limit: '1mb' }));
  router.get('/registered-entities', async (req, res) => {
    await serviceCaller(httpAuth, req, READERS, 'read');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items: await entities.list() });
  });
  router.get(
    '/registered-entities/:kind/:namespace/:name',
    async (req, res) => {
      await serviceCaller(httpAuth, req, READERS, 'read');
      const ref = formatRegisteredEntityRef(keyOf(req));
      const found = await entities.get(ref);
      if (!found) throw new NotFoundError(`${ref} is not registered`);
      res.setHeader('Cache-Control', 'no-store');
      res.json(found);
    },
  );
  router.put(
    '/registered-entities/:kind/:namespace/:name',
    async (req, res) => {
      await serviceCaller(httpAuth, req, WRITERS, 'change');
      const ref = formatRegisteredEntityRef(keyOf(req));
      const parsed = entitySchema.safeParse(req.body);
      if (!parsed.success) {
        throw new InputError(
          `the body must be a catalog entity: ${parsed.error.issues
            .map(i => `${['body', ...i.path].join('.')}: ${i.message}`)
            .join('; ')}`,
        );
      }
      const bodyRef = formatRegisteredEntityRef(
        registeredEntityKeyOf(parsed.data),
      );
      if (bodyRef !== ref) {
        throw new InputError(
          `the body is entity ${bodyRef}, but the path names ${ref}`,
        );
      }
      res.json(await entities.upsert(parsed.data as any));
    },
  );
  router.delete(
    '/registered-entities/:kind/:namespace/:name',
    async (req, res) => {
      await serviceCaller(httpAuth, req, WRITERS, 'change');
      const removed = await entities.remove(
        formatRegisteredEntityRef(keyOf(req)),
      );
      res.json({ removed });
    },
  );
  return router;
}
