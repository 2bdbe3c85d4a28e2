// The battery every response connector passes against its vendor's local server, through the
// respond and undoResponse activities and the real database: success (with the vendor's
// asynchronous status where it has one), 401 → a fresh token, 429 → waits as told, 5xx →
// the activity fails and Temporal's retry succeeds, a crash after the vendor call → the
// retry asks the vendor instead of repeating it, undo (also across a crash), and a vendor's
// refusal recorded as `failed` with its error. Calls are counted at the server.
import { Pool } from 'pg';
import type { ActivityDeps } from '../../../src/activities/deps';
import { respond, undoResponse } from '../../../src/activities/respond';
import type { ResponseConnector } from '../../../src/connectors/response-connector';
import type { ResponseAction, ResponseKind } from '../../../src/domain/response';
import { extractObservables } from '../../../src/domain/observables';
import { upsertAlert } from '../../../src/store/alerts';
import { sampleAlert } from '../../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../../helpers/database';
import { uniqueSuffix } from '../../helpers/temporal';
import type { VendorApiServer } from '../../servers/vendor-api-server';

export const fastPolling = { pollIntervalMs: 1, maxPollIntervalMs: 4, maxWaitMs: 60_000 };

export interface ConnectorSuite<S extends VendorApiServer> {
  server: S;
  connector(url: string): ResponseConnector;
  /** One action per kind the connector serves; each test uses a fresh copy (fresh(action)). */
  actions: ResponseAction[];
  /** A new target the server knows, for a test that must not share state with another. */
  fresh(action: ResponseAction): ResponseAction;
  /** The vendor-side state: is the action in effect? */
  inEffect(server: S, action: ResponseAction): boolean;
  /** Served calls that carry the action out / undo it (the ones that must happen once). */
  executeCalls(server: S, action: ResponseAction): number;
  undoCalls(server: S, action: ResponseAction): number;
  /** Status reads before the vendor reports the action done (asynchronous vendors); absent: synchronous. */
  statusReads?(server: S, action: ResponseAction): number;
  /** An action the vendor refuses, and the vendor's words the failure must quote. */
  refused: { action: ResponseAction; error: RegExp };
  /** Kinds nothing can reverse (revoked sessions): undo reports undone without a vendor call. */
  irreversible?: ResponseKind[];
  /** Kinds the vendor cannot be asked about and that are harmless to repeat: a retry after a crash calls again. */
  repeatedAfterCrash?: ResponseKind[];
  /** A static API token (no refresh): the connector built with a wrong one, and the vendor's words for the refusal. */
  staticToken?: { connector(url: string): ResponseConnector; error: RegExp };
}

export function describeConnector<S extends VendorApiServer>(title: string, suite: () => ConnectorSuite<S>): void {
  describe(title, () => {
    const s = suite();
    let db: TestDatabase;
    let connector: ResponseConnector;
    const deps = (pool?: Pool, c = connector) => ({ db: pool ?? db.pool, responders: [c] }) as unknown as ActivityDeps;

    async function alertRow(): Promise<string> {
      const workflowId = `respond-${uniqueSuffix()}`;
      const alert = sampleAlert('02-lsass-dump.json', workflowId);
      await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
      return workflowId;
    }
    /** The connector as a worker that dies (loses its database) right after `step`'s vendor call returned. */
    function dyingAfter(step: 'execute' | 'undo') {
      const pool = new Pool({ connectionString: db.url, max: 1 });
      pool.on('error', () => undefined);
      const c: ResponseConnector = Object.assign(Object.create(Object.getPrototypeOf(connector)) as object, connector, {
        [step]: async (a: ResponseAction, ctx: never) => {
          const o = await connector[step]!(a, ctx);
          await pool.end();
          return o;
        },
      }) as ResponseConnector;
      return deps(pool, c);
    }

    beforeAll(async () => {
      db = await openTestDatabase();
      connector = s.connector(await s.server.start());
    });
    afterAll(async () => {
      await s.server.stop();
      await db.close();
    });

    for (const template of s.actions) {
      describe(template.kind, () => {
        it('executes once, reports executed after the vendor says done, and a repeat changes nothing', async () => {
          const action = s.fresh(template);
          const workflowId = await alertRow();
          expect(s.inEffect(s.server, action)).toBe(false);
          const intentSince = new Date().toISOString(); // what a retry's check gets: the intent's time, before the call
          const [result] = await respond(deps(), { workflowId, approvedBy: 'alice', actions: [action] });
          expect(result.status).toBe('executed');
          expect(s.inEffect(s.server, action)).toBe(true);
          if (s.statusReads) expect(s.statusReads(s.server, action)).toBeGreaterThan(1);
          await respond(deps(), { workflowId, approvedBy: 'alice', actions: [action] });
          expect(s.executeCalls(s.server, action)).toBe(1);
          const asked = await connector.check!(action, { workflowId, approvedBy: 'alice', idempotencyKey: 'k', intentSince });
          expect(asked).toBe(s.repeatedAfterCrash?.includes(action.kind) ? 'not-in-effect' : 'in-effect');
        });

        if (s.staticToken) {
          it('a refused API token (401) fails as auth, quoting the vendor', async () => {
            const wrong = s.staticToken!.connector(s.server.url);
            await expect(
              wrong.check!(s.fresh(template), { workflowId: 'w', approvedBy: 'alice', idempotencyKey: 'k' }),
            ).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(s.staticToken!.error) });
          });
        } else
          it('a refused token (401) is replaced by a fresh one and the call goes through', async () => {
            const action = s.fresh(template);
            const before = s.server.tokensIssued;
            s.server.revokeTokens();
            expect(await connector.check!(action, { workflowId: 'w', approvedBy: 'alice', idempotencyKey: 'k' })).toBe('not-in-effect');
            expect(s.server.tokensIssued - before).toBe(1);
          });

        it('429: waits as the vendor says and the action runs once', async () => {
          const action = s.fresh(template);
          const workflowId = await alertRow();
          const throttled = s.server.throttled;
          s.server.throttleNext = 1;
          expect((await respond(deps(), { workflowId, approvedBy: 'alice', actions: [action] }))[0].status).toBe('executed');
          expect(s.server.throttled - throttled).toBe(1);
          expect(s.executeCalls(s.server, action)).toBe(1);
        });

        it('5xx: the activity fails (retryable) and the retry executes the action once', async () => {
          const action = s.fresh(template);
          const workflowId = await alertRow();
          s.server.failNext = 1;
          await expect(respond(deps(), { workflowId, approvedBy: 'alice', actions: [action] })).rejects.toMatchObject({
            kind: 'unavailable',
          });
          expect((await respond(deps(), { workflowId, approvedBy: 'alice', actions: [action] }))[0].status).toBe('executed');
          expect(s.executeCalls(s.server, action)).toBe(1);
        });

        it('a crash after the vendor call: the retry asks the vendor and does not repeat the call', async () => {
          const action = s.fresh(template);
          const workflowId = await alertRow();
          await expect(respond(dyingAfter('execute'), { workflowId, approvedBy: 'alice', actions: [action] })).rejects.toThrow();
          expect(s.executeCalls(s.server, action)).toBe(1);
          const [retry] = await respond(deps(), { workflowId, approvedBy: 'alice', actions: [action] });
          expect(retry.status).toBe('executed');
          expect(s.executeCalls(s.server, action)).toBe(s.repeatedAfterCrash?.includes(action.kind) ? 2 : 1);
        });

        it('undo reverses the action once, also across a crash after the vendor call', async () => {
          const action = s.fresh(template);
          const workflowId = await alertRow();
          await respond(deps(), { workflowId, approvedBy: 'alice', actions: [action] });
          const reversible = !s.irreversible?.includes(action.kind);
          await expect(undoResponse(dyingAfter('undo'), { workflowId, requestedBy: 'bob', actions: [action] })).rejects.toThrow();
          expect(s.inEffect(s.server, action)).toBe(!reversible);
          const [undone] = await undoResponse(deps(), { workflowId, requestedBy: 'bob', actions: [action] });
          expect(undone.status).toBe('undone');
          await undoResponse(deps(), { workflowId, requestedBy: 'bob', actions: [action] });
          expect(s.undoCalls(s.server, action)).toBe(reversible ? 1 : 0);
          const { rows } = await db.pool.query('SELECT status FROM response_actions WHERE workflow_id = $1', [workflowId]);
          expect(rows).toEqual([{ status: 'undone' }]);
        });
      });
    }

    it("a vendor's refusal is recorded as failed, quoting the vendor", async () => {
      const workflowId = await alertRow();
      const [result] = await respond(deps(), { workflowId, approvedBy: 'alice', actions: [s.refused.action] });
      expect(result.status).toBe('failed');
      const { rows } = await db.pool.query<{ detail: string }>('SELECT detail FROM response_actions WHERE workflow_id = $1', [workflowId]);
      expect(rows[0].detail).toMatch(s.refused.error);
    });
  });
}
