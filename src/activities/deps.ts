// What activities need from the outside world; tests pass real or local implementations.
import type { Pool } from 'pg';
import type { ResponseConnector } from '../connectors/response-connector';

export interface ActivityDeps {
  db: Pool;
  /** Tried in order; the first that supports an action carries it out. */
  responders: ResponseConnector[];
}
