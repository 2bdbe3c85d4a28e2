import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EmbeddedPostgres } from '../src/store/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __autosocPg?: EmbeddedPostgres }).__autosocPg?.stop();
  // The run's workflow bundle (global-setup.ts).
  if (process.env.AUTOSOC_WORKFLOW_BUNDLE) rmSync(dirname(process.env.AUTOSOC_WORKFLOW_BUNDLE), { recursive: true, force: true });
}
