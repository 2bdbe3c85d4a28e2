// Analyzer plugins as the investigation runs them: alert-level or object-level analyzers like
// the built-in ones, through runSafely (a throw, a bad answer or a timeout is an error finding)
// and, for object analyzers, the same cache by (name, version, sha256). With threads (the
// worker), each plugin runs on its own pool thread under its declared time and memory limits;
// in process (tests that say so), under its time limit only.
import { join } from 'node:path';
import type { AlertAnalyzer, AlertContext, EvidenceObject, ObjectAnalyzer } from '../investigation/analyzer';
import { AnalyzerPool } from '../investigation/analyzer-pool';
import { OBSERVABLE_KINDS } from '../domain/playbook-routing';
import type { Finding } from '../domain/finding';
import type { ObservableSet } from '../domain/observables';
import type { Loaded } from './load-plugins';
import {
  type AnalyzerPlugin,
  evidenceKind,
  type ObjectInput,
  type ObservablesInput,
  PluginFindingSchema,
  readsEvidence,
} from './plugin-api';

export type PluginIsolation = 'threads' | 'in-process';

/** The compiled thread entry (dist/src/plugins/plugin-thread.js). */
export const pluginThreadEntry = (): string => join(__dirname, 'plugin-thread.js');

export interface PluginAnalyzers {
  alertAnalyzers: AlertAnalyzer[];
  objectAnalyzers: ObjectAnalyzer[];
  /** Stops the plugins' threads. */
  close(): Promise<void>;
}

/** A plugin's answer, checked and named; anything else is the plugin's error. */
export function checkedFinding(name: string, value: unknown): Finding {
  const parsed = PluginFindingSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `returned an invalid finding: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(finding)'}: ${i.message}`).join('; ')}`,
    );
  return { ...parsed.data, analyzer: name };
}

/** Only the observable kinds the plugin declared. */
const declaredObservables = (kinds: string[], observables: ObservableSet): Partial<ObservableSet> =>
  Object.fromEntries(kinds.map((k) => OBSERVABLE_KINDS[k as keyof typeof OBSERVABLE_KINDS]).map((field) => [field, observables[field]]));

export function pluginAnalyzers(
  loaded: Loaded<AnalyzerPlugin>[],
  isolation: PluginIsolation,
  entry = pluginThreadEntry(),
): PluginAnalyzers {
  const pools: AnalyzerPool[] = [];
  const runnerFor = ({ plugin, modulePath }: Loaded<AnalyzerPlugin>): ((input: ObservablesInput | ObjectInput) => Promise<unknown>) => {
    if (isolation === 'in-process') return async (input) => plugin.analyze(input);
    const pool = new AnalyzerPool({
      entry,
      threads: 1,
      timeLimitMs: plugin.limits.timeMs,
      memoryLimitMb: plugin.limits.memoryMb,
      workerData: { modulePath },
    });
    pools.push(pool);
    return (input) => pool.runNamed(plugin.name, input);
  };
  const alertAnalyzers: AlertAnalyzer[] = [];
  const objectAnalyzers: ObjectAnalyzer[] = [];
  for (const l of loaded) {
    const { plugin } = l;
    const run = runnerFor(l);
    const limits = { timedByRunner: isolation === 'threads', timeoutMs: plugin.limits.timeMs };
    if (readsEvidence(plugin)) {
      const kinds = plugin.inputKinds.map(evidenceKind);
      objectAnalyzers.push({
        name: plugin.name,
        version: plugin.version,
        ...limits,
        appliesTo: (o: EvidenceObject) => kinds.includes(o.kind),
        analyze: async (o) => ({
          finding: checkedFinding(
            plugin.name,
            await run({ object: { sha256: o.sha256, kind: o.kind, mediaType: o.mediaType, name: o.name, bytes: o.bytes } }),
          ),
        }),
      });
    } else {
      alertAnalyzers.push({
        name: plugin.name,
        ...limits,
        analyze: async ({ observables }: AlertContext) =>
          checkedFinding(plugin.name, await run({ observables: declaredObservables(plugin.inputKinds, observables) })),
      });
    }
  }
  return {
    alertAnalyzers,
    objectAnalyzers,
    close: async () => {
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}
