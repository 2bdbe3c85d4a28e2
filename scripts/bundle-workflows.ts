// Prebuilds the workflow bundle so workers start without running webpack (sample: production).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_TRACING_MODULE } from '../src/telemetry/tracing';

// Two bundles: the plain one, and one with Temporal's OpenTelemetry workflow interceptors for
// workers that trace (src/worker.ts workflowSource picks one; a prebuilt bundle cannot take
// interceptor modules at worker start).
async function main() {
  const bundles = [
    ['workflow-bundle.js', []],
    ['workflow-bundle-otel.js', [WORKFLOW_TRACING_MODULE]],
  ] as const;
  for (const [name, workflowInterceptorModules] of bundles) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../src/workflows'),
      workflowInterceptorModules: [...workflowInterceptorModules],
    });
    const out = join(__dirname, '..', name);
    writeFileSync(out, code);
    console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
