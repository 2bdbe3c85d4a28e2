// A Temporal-floor worker in its own process (bench/e2e --workers N): the floor workflow and
// its no-op activity on TEMPORAL_TASK_QUEUE, until SIGTERM.
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { dataConverterFor } from '../../src/temporal/client';
import * as floorActivities from './floor-activities';

async function main() {
  const { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace = 'default', TEMPORAL_TASK_QUEUE: taskQueue } = process.env;
  if (!address || !taskQueue) throw new Error('TEMPORAL_ADDRESS and TEMPORAL_TASK_QUEUE are required');
  const connection = await NativeConnection.connect({ address });
  // The same payload codec as autosoc's workers, so the floor pays for encryption too.
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('./floor-workflow'),
    activities: floorActivities,
    dataConverter: dataConverterFor(loadConfig()),
  });
  console.log(`floor worker polling ${taskQueue}`);
  await worker.run(); // returns after SIGTERM/SIGINT
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
