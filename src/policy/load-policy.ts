// Policy files (YAML or JSON), layered over the defaults: later files override earlier ones,
// objects merge, lists replace. Durations may be written "15m"; an invalid policy fails at
// start with the file and the field named.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { parseDuration } from '../domain/duration';
import { DEFAULT_POLICY, TriagePolicy } from '../domain/policy';

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Json, v) : v;
  return out;
}

/** `respondWithin: 15m` → `respondWithinMs: 900000`, wherever SLA tiers appear. */
function normalizeTiers(value: unknown, where: string): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((t, i) => {
    if (!isObject(t) || typeof t.respondWithin !== 'string') return t;
    const { respondWithin, ...rest } = t;
    try {
      return { ...rest, respondWithinMs: parseDuration(respondWithin) };
    } catch (err) {
      throw new PolicyError(`${where}.${i}.respondWithin: ${(err as Error).message}`);
    }
  });
}

function normalize(doc: Json): Json {
  const out: Json = { ...doc };
  if ('slaTiers' in out) out.slaTiers = normalizeTiers(out.slaTiers, 'slaTiers');
  if (isObject(out.slaBySeverity)) {
    out.slaBySeverity = Object.fromEntries(
      Object.entries(out.slaBySeverity).map(([sev, tiers]) => [sev, normalizeTiers(tiers, `slaBySeverity.${sev}`)]),
    );
  }
  // `containment.reviewWindow: 24h` → `reviewWindowMs`.
  if (isObject(out.containment) && typeof out.containment.reviewWindow === 'string') {
    const { reviewWindow, ...rest } = out.containment;
    try {
      out.containment = { ...rest, reviewWindowMs: parseDuration(reviewWindow) };
    } catch (err) {
      throw new PolicyError(`containment.reviewWindow: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Policies are short, flat documents: anything larger or deeper is refused before parsing. */
const MAX_POLICY_CHARS = 256 * 1024;
const MAX_POLICY_DEPTH = 32;

function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const c of text) {
    if (c === '{' || c === '[') max = Math.max(max, ++depth);
    else if (c === '}' || c === ']') depth = Math.max(0, depth - 1);
  }
  return max;
}

/** Keys that reach Object.prototype when merged with plain assignment: never a setting. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first forbidden key anywhere in the document (mappings inside lists too). */
function forbiddenKeyPath(value: unknown, path: string[] = []): string[] | undefined {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = forbiddenKeyPath(v, [...path, String(i)]);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const k of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(k)) return [...path, k];
      const found = forbiddenKeyPath(value[k], [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

export function parsePolicyText(text: string, source: string): Json {
  if (text.length > MAX_POLICY_CHARS) throw new PolicyError(`${source}: a policy file is at most ${MAX_POLICY_CHARS} characters`);
  if (nestingDepth(text) > MAX_POLICY_DEPTH) throw new PolicyError(`${source}: nested deeper than ${MAX_POLICY_DEPTH} levels`);
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new PolicyError(`${source}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new PolicyError(`${source}: a policy file holds a mapping of settings`);
  const forbidden = forbiddenKeyPath(doc);
  if (forbidden) {
    throw new PolicyError(
      `${source}: key "${forbidden[forbidden.length - 1]}" (at ${forbidden.join('.')}) is not allowed in a policy file`,
    );
  }
  try {
    return normalize(doc);
  } catch (err) {
    throw new PolicyError(`${source}: ${(err as Error).message}`);
  }
}

/** The file (last layer first) whose document holds `key` at `path`: where a typo was made. */
function fileWithKey(layers: { file: string; doc: Json }[], path: PropertyKey[], key: string): string | undefined {
  for (const { file, doc } of [...layers].reverse()) {
    let node: unknown = doc;
    for (const step of path)
      node = Array.isArray(node) || isObject(node) ? (node as Record<PropertyKey, unknown>)[step as string] : undefined;
    if (isObject(node) && Object.hasOwn(node, key)) return file;
  }
  return undefined;
}

/** DEFAULT_POLICY with each file layered on top, validated as a whole. */
export function loadPolicy(files: string[], base: TriagePolicy = DEFAULT_POLICY): TriagePolicy {
  let merged: Json = { ...base };
  const layers: { file: string; doc: Json }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new PolicyError(`${file}: ${(err as Error).message}`);
    }
    const doc = parsePolicyText(text, file);
    layers.push({ file, doc });
    merged = merge(merged, doc);
  }
  const parsed = TriagePolicy.safeParse(merged);
  if (!parsed.success) {
    // An unknown key is a typo that would silently disable context: name it and its file.
    const unknown = parsed.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => `${fileWithKey(layers, i.path, k) ?? 'policy'}: unknown key "${[...i.path, k].join('.')}"`)
        : [],
    );
    if (unknown.length) throw new PolicyError(unknown.join('; '));
    const where = files.length ? files.join(' + ') : 'default policy';
    throw new PolicyError(
      `invalid policy (${where}): ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
