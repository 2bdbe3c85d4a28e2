import type { EmbeddedPostgres } from '../src/store/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __autosocPg?: EmbeddedPostgres }).__autosocPg?.stop();
}
