// Firewall External Dynamic Lists: /v1/blocklists/ip|domain|url, plain text, one entry per
// line, what PAN-OS (External Dynamic List: IP / Domain / URL list), FortiGate (threat feed
// connector: IP address / domain name / URL list) and Check Point (network feed, flat list)
// pull on their own schedule. Each firewall has its own token (role firewall, `autosoc token
// create --roles firewall`), sent as a bearer token or as the password of HTTP Basic (the
// scheme their fetchers speak); every pull is audited under that firewall's name. Entries
// come from the saga's block_* actions (src/connectors/response/blocklist.ts), each with an
// expiry; an expired or undone entry is simply no longer served.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { BLOCKLISTS, liveBlocklist } from '../store/blocklists';
import type { Role } from '../store/api-tokens';
import { ApiErrorBody } from './analyst-routes';

const BLOCKLIST_ROLES: readonly Role[] = ['firewall', 'admin'];
/** Entries served per list at most: below every vendor's per-list capacity (PAN-OS and FortiGate take tens of thousands and more). */
export const MAX_BLOCKLIST_ENTRIES = 50_000;

export const blocklistRoutes: FastifyPluginAsync<{ db: Pool }> = async (api, { db }) => {
  const r = api.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/blocklists/:list',
    {
      config: { auth: { roles: BLOCKLIST_ROLES, basic: true } },
      schema: {
        summary: 'A firewall blocklist (External Dynamic List): one entry per line',
        tags: ['response'],
        security: [{ bearerAuth: [] }, { basicAuth: [] }],
        produces: ['text/plain'],
        params: z.object({ list: z.enum(BLOCKLISTS).describe('ip (addresses and CIDR blocks), domain, or url (without the scheme)') }),
        response: {
          200: z.string().describe('Entries, one per line (LF), no comments; empty when nothing is blocked'),
          401: ApiErrorBody,
          403: ApiErrorBody.describe('Needs a firewall (or admin) token'),
        },
      },
    },
    async (request, reply) => {
      const entries = await liveBlocklist(db, request.params.list, MAX_BLOCKLIST_ENTRIES);
      request.auditDetail = { list: request.params.list, entries: entries.length };
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(entries.length ? `${entries.join('\n')}\n` : '');
    },
  );
};
