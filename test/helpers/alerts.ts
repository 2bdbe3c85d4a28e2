// Alerts for tests, built from the bundled samples so tests and `npm start` share material.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlert, type Alert } from '../../src/domain/alert';

export const SAMPLES_DIR = join(__dirname, '..', '..', 'samples', 'alerts');

export function sampleAlert(file: string, sourceId?: string): Alert {
  const json = JSON.parse(readFileSync(join(SAMPLES_DIR, file), 'utf8'));
  return parseAlert(sourceId ? { ...json, sourceId } : json);
}
