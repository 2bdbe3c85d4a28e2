// A read-only TAXII 2.1 server (OASIS TAXII Version 2.1, CS01, https://docs.oasis-open.org/cti/taxii/v2.1/):
// one API root with one collection, the STIX objects of confirmed incidents whose TLP allows
// sharing (src/content/taxii-publish.ts). Bearer tokens as everywhere in the API; the `intel`
// role reads it and nothing else (analysts, engineers and admins read it too).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { SharingPolicy } from '../content/sharing';
import { publishConfirmedIncidents, TAXII_COLLECTION } from '../content/taxii-publish';
import type { Role } from '../domain/roles';
import { listTaxiiObjects, type TaxiiFilter, type TaxiiObjectRow } from '../store/taxii-objects';

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
export const TAXII_ROLES: readonly Role[] = ['intel', 'analyst', 'engineer', 'admin'];
export const TAXII_DISCOVERY_PATH = '/taxii2/';
export const TAXII_API_ROOT_PATH = '/taxii2/autosoc/';
/** Objects per page at most, whatever limit the client asks for (section 3.4: the server may cap it). */
export const TAXII_MAX_PAGE = 500;
const DEFAULT_PAGE = 100;
const MAX_CONTENT_LENGTH = 10 * 1024 * 1024;

/** Section 3.2: a client names the TAXII media type (version 2.1, or no version for the latest) in Accept. */
export function acceptsTaxii(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    if (type !== 'application/taxii+json') return false;
    const version = params.find((p) => p.startsWith('version='));
    return !version || version.replace(/\s/g, '') === 'version=2.1';
  });
}

/** Bytes, so fastify sends the media type exactly as written (taxii2-client compares its parameters). */
const taxiiBody = (body: unknown) => Buffer.from(JSON.stringify(body), 'utf8');

/** Section 3.6.1: the error message resource. */
function taxiiError(request: FastifyRequest, reply: FastifyReply, status: number, reason: string, title: string, description?: string) {
  request.auditReason ??= reason;
  return reply
    .code(status)
    .header('content-type', TAXII_MEDIA_TYPE)
    .send(taxiiBody({ title, ...(description ? { description } : {}), http_status: String(status) }));
}

const send = (reply: FastifyReply, body: unknown, added?: TaxiiObjectRow[]) => {
  reply.header('content-type', TAXII_MEDIA_TYPE);
  // Section 5.3 / 5.4: the first and last date_added of the objects in this response.
  if (added?.length)
    reply.header('x-taxii-date-added-first', added[0].dateAdded).header('x-taxii-date-added-last', added.at(-1)!.dateAdded);
  return reply.code(200).send(taxiiBody(body));
};

const collectionResource = {
  id: TAXII_COLLECTION.id,
  title: TAXII_COLLECTION.title,
  description: TAXII_COLLECTION.description,
  can_read: true,
  can_write: false,
  media_types: [STIX_MEDIA_TYPE],
};

// RFC 3339 timestamps (section 1.6.4); PostgreSQL reads them with their microseconds.
const Timestamp = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'must be an RFC 3339 timestamp');
const list = (v: string | undefined) =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const ObjectsQuery = z.object({
  added_after: Timestamp.optional(),
  limit: z.coerce.number().int().positive().optional(),
  next: z
    .string()
    .max(40)
    .regex(/^[1-9]\d{0,17}$/, 'must be a next value this server returned')
    .optional(),
  'match[id]': z.string().max(10_000).optional(),
  'match[type]': z.string().max(2_000).optional(),
  'match[version]': z.string().max(2_000).optional(),
  'match[spec_version]': z.string().max(200).optional(),
});
type ObjectsQuery = z.infer<typeof ObjectsQuery>;
const CollectionParams = z.object({ id: z.string().max(100) });
const ObjectParams = CollectionParams.extend({ objectId: z.string().max(300) });

/** The filter of sections 3.4-3.5: this server keeps one version per object, so version filters "last", "first", "all" keep it. */
function filterOf(q: ObjectsQuery, ids?: string[]): TaxiiFilter | undefined {
  const specVersions = list(q['match[spec_version]']);
  if (specVersions && !specVersions.includes('2.1')) return undefined;
  const versions = list(q['match[version]'])?.filter((v) => !['last', 'first', 'all'].includes(v));
  const keepsAny = list(q['match[version]'])?.some((v) => ['last', 'first', 'all'].includes(v));
  return {
    addedAfter: q.added_after,
    afterSeq: q.next === undefined ? undefined : Number(q.next),
    ids: ids ?? list(q['match[id]']),
    types: list(q['match[type]']),
    versions: versions?.length && !keepsAny ? versions : undefined,
    limit: Math.min(q.limit ?? DEFAULT_PAGE, TAXII_MAX_PAGE),
  };
}

export const taxiiRoutes: FastifyPluginAsync<{ db: Pool; sharing?: SharingPolicy }> = async (api, { db, sharing }) => {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const policy = sharing ?? SharingPolicy.parse({});
  const config = { auth: { roles: TAXII_ROLES } };
  const schema = <T extends object = object>(summary: string, extra?: T) => ({
    summary,
    tags: ['taxii'],
    security: [{ bearerAuth: [] }],
    produces: [TAXII_MEDIA_TYPE],
    ...(extra as T),
  });

  api.addHook('preHandler', async (request, reply) => {
    if (!request.url.startsWith(TAXII_DISCOVERY_PATH)) return;
    if (!acceptsTaxii(request.headers.accept)) {
      return taxiiError(request, reply, 406, 'not_acceptable', 'Not Acceptable', `send Accept: ${TAXII_MEDIA_TYPE}`);
    }
  });

  const collectionOr404 = (request: FastifyRequest, reply: FastifyReply, id: string) =>
    id === TAXII_COLLECTION.id
      ? true
      : (taxiiError(request, reply, 404, 'unknown_collection', 'Collection not found', `no collection ${id}`), false);

  /** The page of objects the filter selects, after publishing incidents confirmed since the last read. */
  async function page(filter: TaxiiFilter | undefined) {
    await publishConfirmedIncidents(db, policy);
    return filter ? listTaxiiObjects(db, TAXII_COLLECTION.id, filter) : { rows: [], more: false };
  }
  const paging = (rows: TaxiiObjectRow[], more: boolean) => ({ more, ...(more ? { next: String(rows.at(-1)!.seq) } : {}) });

  // Section 4.1: server discovery.
  r.get(TAXII_DISCOVERY_PATH, { config, schema: schema('TAXII 2.1 server discovery') }, async (_request, reply) =>
    send(reply, {
      title: 'autosoc',
      description: 'Indicators of incidents autosoc confirmed, as STIX 2.1, TLP:CLEAR and TLP:GREEN only.',
      default: TAXII_API_ROOT_PATH,
      api_roots: [TAXII_API_ROOT_PATH],
    }),
  );

  // Section 4.2: API root information.
  r.get(TAXII_API_ROOT_PATH, { config, schema: schema('TAXII 2.1 API root') }, async (_request, reply) =>
    send(reply, {
      title: 'autosoc shared intel',
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: MAX_CONTENT_LENGTH,
    }),
  );

  // Section 5.1 and 5.2: the collections, and one collection.
  r.get(`${TAXII_API_ROOT_PATH}collections/`, { config, schema: schema('TAXII 2.1 collections') }, async (_request, reply) =>
    send(reply, { collections: [collectionResource] }),
  );
  r.get(
    `${TAXII_API_ROOT_PATH}collections/:id/`,
    { config, schema: schema('TAXII 2.1 collection', { params: CollectionParams }) },
    async (request, reply) => {
      if (!collectionOr404(request, reply, request.params.id)) return reply;
      return send(reply, collectionResource);
    },
  );

  // Section 5.3: the manifest.
  r.get(
    `${TAXII_API_ROOT_PATH}collections/:id/manifest/`,
    { config, schema: schema('TAXII 2.1 collection manifest', { params: CollectionParams, querystring: ObjectsQuery }) },
    async (request, reply) => {
      if (!collectionOr404(request, reply, request.params.id)) return reply;
      const { rows, more } = await page(filterOf(request.query));
      const objects = rows.map((o) => ({ id: o.object.id, date_added: o.dateAdded, version: o.version, media_type: STIX_MEDIA_TYPE }));
      return send(reply, { ...paging(rows, more), ...(objects.length ? { objects } : {}) }, rows);
    },
  );

  // Section 5.4: objects, paged by limit/next, filtered by added_after and match[].
  r.get(
    `${TAXII_API_ROOT_PATH}collections/:id/objects/`,
    { config, schema: schema('TAXII 2.1 objects', { params: CollectionParams, querystring: ObjectsQuery }) },
    async (request, reply) => {
      if (!collectionOr404(request, reply, request.params.id)) return reply;
      const { rows, more } = await page(filterOf(request.query));
      request.auditDetail = { objects: rows.length };
      return send(reply, { ...paging(rows, more), ...(rows.length ? { objects: rows.map((o) => o.object) } : {}) }, rows);
    },
  );

  // Section 5.6 and 5.8: one object, and its versions (one: the version first added).
  r.get(
    `${TAXII_API_ROOT_PATH}collections/:id/objects/:objectId/`,
    { config, schema: schema('TAXII 2.1 object', { params: ObjectParams, querystring: ObjectsQuery }) },
    async (request, reply) => {
      if (!collectionOr404(request, reply, request.params.id)) return reply;
      const { rows } = await page(filterOf(request.query, [request.params.objectId]));
      if (rows.length === 0)
        return taxiiError(
          request,
          reply,
          404,
          'unknown_object',
          'Object not found',
          `no object ${request.params.objectId} in this collection`,
        );
      return send(reply, { more: false, objects: rows.map((o) => o.object) }, rows);
    },
  );
  r.get(
    `${TAXII_API_ROOT_PATH}collections/:id/objects/:objectId/versions/`,
    { config, schema: schema('TAXII 2.1 object versions', { params: ObjectParams, querystring: ObjectsQuery }) },
    async (request, reply) => {
      if (!collectionOr404(request, reply, request.params.id)) return reply;
      const { rows } = await page(filterOf(request.query, [request.params.objectId]));
      if (rows.length === 0)
        return taxiiError(
          request,
          reply,
          404,
          'unknown_object',
          'Object not found',
          `no object ${request.params.objectId} in this collection`,
        );
      return send(reply, { more: false, versions: rows.map((o) => o.version) }, rows);
    },
  );

  // Section 5.5: the collection is read-only (can_write false).
  r.post(
    `${TAXII_API_ROOT_PATH}collections/:id/objects/`,
    { config, schema: schema('TAXII 2.1 add objects: refused, the collection is read-only', { params: CollectionParams }) },
    async (request, reply) => taxiiError(request, reply, 403, 'read_only', 'Forbidden', 'this collection is read-only'),
  );
};
