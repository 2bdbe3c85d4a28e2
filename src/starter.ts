// Start an alert workflow from a JSON file (or stdin): prints the workflow id and its Web UI link.
//   node dist/src/starter.js samples/alerts/encoded-powershell.json
//   cat alert.json | node dist/src/starter.js
import { readFileSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { AlertValidationError, parseAlert } from './domain/alert';
import { loadConfig, workflowUiLink } from './config';
import { startAlert } from './ingest/start-alert';
import { temporalClient } from './temporal/client';

async function main(): Promise<number> {
  const config = loadConfig();
  const file = process.argv[2];
  const text = readFileSync(file && file !== '-' ? file : 0, 'utf8');
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    console.error(`not JSON: ${(err as Error).message}`);
    return 2;
  }
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = temporalClient(config, connection);
    const alert = parseAlert(input); // the boundary: AlertValidationError before anything starts
    const started = await startAlert(client, { taskQueue: config.temporal.taskQueue, policy: config.policy }, alert);
    console.log(`${started.duplicate ? 'duplicate of' : 'started'} ${started.workflowId}`);
    console.log(workflowUiLink(config, started.workflowId));
    return 0;
  } catch (err) {
    if (err instanceof AlertValidationError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
