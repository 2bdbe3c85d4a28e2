// The interface a custom analyzer or response connector declares: what autosoc checks when the
// worker starts (a plugin that does not fit stops the start, naming it) and what it runs with.
// A plugin is a CommonJS module (or an npm package) whose export (`module.exports` or
// `default`) is one of these objects. `autosoc new analyzer NAME` writes one with its test.
import { z } from 'zod';
import { Finding, FindingVerdict } from '../domain/finding';
import { OBSERVABLE_KINDS } from '../domain/playbook-routing';
import type { ObservableSet } from '../domain/observables';
import { RESPONSE_KINDS } from '../domain/policy-rules';
import type { ResponseContext, ResponseOutcome } from '../connectors/response-connector';
import type { ResponseAction } from '../domain/response';

/** Observable kinds an analyzer may read (alert level, once per alert). */
export const OBSERVABLE_INPUTS = Object.keys(OBSERVABLE_KINDS) as (keyof typeof OBSERVABLE_KINDS)[];
/**
 * Evidence kinds an analyzer may read (object level, once per object, cached by sha256):
 * `evidence:` and the evidence's kind (an e-mail message is `evidence:email`, its sender `email`).
 */
export const EVIDENCE_INPUTS = ['evidence:file', 'evidence:attachment', 'evidence:email', 'evidence:sample', 'evidence:member'] as const;

export type ObservableInput = (typeof OBSERVABLE_INPUTS)[number];
export type EvidenceInput = (typeof EVIDENCE_INPUTS)[number];

/** What an analyzer plugin returns: a finding without its analyzer name (autosoc sets it). */
export type PluginFinding = Omit<z.input<typeof Finding>, 'analyzer' | 'error'>;

/** An evidence object handed to an object analyzer. */
export interface PluginObject {
  sha256: string;
  kind: string;
  mediaType: string;
  name?: string;
  bytes: Uint8Array;
}

/** Alert level: the declared kinds of the alert's observables (others are not passed). */
export interface ObservablesInput {
  observables: Partial<ObservableSet>;
}
/** Object level: one evidence object of a declared kind. */
export interface ObjectInput {
  object: PluginObject;
}

export interface PluginLimits {
  /** Per run of the plugin; over it, the run becomes an analyzer-error finding (the thread is killed). */
  timeMs: number;
  /** Heap of the plugin's own thread; over it, the thread is killed and replaced. */
  memoryMb: number;
}

export interface AnalyzerPlugin {
  kind: 'analyzer';
  /** Lower-case name, unique among analyzers (it names findings and weights in the policy). */
  name: string;
  /** Bumped when the logic changes: cached object results of older versions are ignored. */
  version: string;
  /** Observable kinds (alert level) or evidence kinds (object level), not both. */
  inputKinds: ObservableInput[] | EvidenceInput[];
  limits: PluginLimits;
  /** Pure: no database, no network (a connector does I/O). Runs on its own thread. */
  analyze(input: ObservablesInput | ObjectInput): PluginFinding | Promise<PluginFinding>;
}

export interface ConnectorPlugin {
  kind: 'connector';
  name: string;
  version: string;
  /** The response actions it carries out. */
  inputKinds: (typeof RESPONSE_KINDS)[number][];
  /** timeMs bounds each call (its AbortSignal fires); memoryMb is declared for operators (in process, like built-in connectors). */
  limits: PluginLimits;
  execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome>;
  check?(action: ResponseAction, ctx: ResponseContext): Promise<'in-effect' | 'not-in-effect'>;
  undo?(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome>;
  afterCrash?: 'repeat' | 'unknown';
}

export type Plugin = AnalyzerPlugin | ConnectorPlugin;

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const Name = z.string().regex(/^[a-z][a-z0-9-]{1,47}$/, 'a lower-case name of 2-48 letters, digits and "-"');
const Version = z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]{1,32})?$/, 'a semantic version, e.g. 1.0.0');
const Limits = z.strictObject({ timeMs: z.number().int().min(10).max(300_000), memoryMb: z.number().int().min(16).max(4096) });

export const AnalyzerPluginSchema = z.strictObject({
  kind: z.literal('analyzer'),
  name: Name,
  version: Version,
  inputKinds: z.union(
    [z.array(z.enum(OBSERVABLE_INPUTS as [ObservableInput, ...ObservableInput[]])).min(1), z.array(z.enum(EVIDENCE_INPUTS)).min(1)],
    {
      error: `observable kinds (${OBSERVABLE_INPUTS.join(', ')}) or evidence kinds (${EVIDENCE_INPUTS.join(', ')}), not both`,
    },
  ),
  limits: Limits,
  analyze: fn,
});

export const ConnectorPluginSchema = z.strictObject({
  kind: z.literal('connector'),
  name: Name,
  version: Version,
  inputKinds: z.array(z.enum(RESPONSE_KINDS)).min(1),
  limits: Limits,
  execute: fn,
  check: fn.optional(),
  undo: fn.optional(),
  afterCrash: z.enum(['repeat', 'unknown']).optional(),
});

export const PluginSchema = z.discriminatedUnion('kind', [AnalyzerPluginSchema, ConnectorPluginSchema], {
  error: 'kind must be "analyzer" or "connector"',
});

/** What an analyzer plugin returned, checked: a bad answer is the plugin's error, never a risk. */
export const PluginFindingSchema = z.object({
  verdict: FindingVerdict,
  score: z.number().min(0).max(100),
  confidence: z.number().min(0).max(1),
  summary: z.string().max(2000),
  evidence: z.array(z.string().max(2000)).max(100).default([]),
  attack: z
    .array(z.string().regex(/^T\d{4}(\.\d{3})?$/))
    .max(50)
    .default([]),
});

/** Is this an object-level analyzer (evidence kinds) rather than an alert-level one? */
export const readsEvidence = (p: Pick<AnalyzerPlugin, 'inputKinds'>): p is { inputKinds: EvidenceInput[] } =>
  (EVIDENCE_INPUTS as readonly string[]).includes(p.inputKinds[0]);

/** The evidence kind (EvidenceRef.kind) an `evidence:` input names. */
export const evidenceKind = (input: EvidenceInput): string => input.slice('evidence:'.length);
