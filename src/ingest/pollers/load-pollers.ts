// The pollers file (AUTOSOC_POLLERS_FILE): a JSON array of poller definitions, checked whole.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PollerConfig } from '../../domain/poller-config';

export function loadPollers(file: string | undefined): PollerConfig[] {
  if (!file) return [];
  const parsed = z.array(PollerConfig).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`AUTOSOC_POLLERS_FILE ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
