// Which playbook (Temporal workflow type) runs for which alerts: the policy's `playbooks`
// section. Routes are tried in order; the first whose every condition holds wins; no match
// runs the default (the built-in alertWorkflow unless the policy names another). Patterns are
// globs (`*` only, src/domain/text-scan.ts), never regular expressions built from the policy.
import { z } from 'zod';
import { ALERT_FORMATS } from '../ingest/formats/types';
import type { Alert } from './alert';
import type { ObservableSet } from './observables';
import { globMatch } from './text-scan';

/** The built-in playbook, and the workflow type every alert ran before routing existed. */
export const BUILT_IN_PLAYBOOK = 'alertWorkflow';

/** Observable kinds a route may require, as named in the policy. */
export const OBSERVABLE_KINDS = {
  host: 'hosts',
  user: 'users',
  hash: 'hashes',
  domain: 'domains',
  ip: 'ips',
  url: 'urls',
  email: 'emails',
  'command-line': 'commandLines',
} as const satisfies Record<string, keyof ObservableSet>;
type ObservableKind = keyof typeof OBSERVABLE_KINDS;

/** A workflow type name as exported by the worker's bundle: a JavaScript identifier. */
const PlaybookName = z
  .string()
  .regex(/^[A-Za-z_$][A-Za-z0-9_$]{0,99}$/, 'a playbook is the name of an exported workflow function, e.g. reportedPhishing');
const Globs = z.array(z.string().min(1).max(256)).min(1).max(20);

export const PlaybookRoute = z.strictObject({
  /** Shown in the reasons and the ingest result: why this playbook ran. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'route names are short lower-case words'),
  playbook: PlaybookName,
  /** Every condition given must hold; within one, any listed value matches. */
  match: z
    .strictObject({
      /** Alert source globs, e.g. "m365*". */
      source: Globs.optional(),
      /** The format the alert arrived in. */
      format: z.array(z.enum(ALERT_FORMATS)).min(1).optional(),
      /** Globs over the rule's id or name, e.g. "*phish*". */
      rule: Globs.optional(),
      /** ATT&CK technique globs, e.g. "T1566*" (a technique and its sub-techniques). */
      technique: Globs.optional(),
      /** Observable kinds the alert must carry at least one of. */
      observable: z
        .array(z.enum(Object.keys(OBSERVABLE_KINDS) as [ObservableKind, ...ObservableKind[]]))
        .min(1)
        .optional(),
    })
    .refine((m) => Object.keys(m).length > 0, 'a route needs at least one condition (use `default` to change what every alert runs)'),
});
export type PlaybookRoute = z.infer<typeof PlaybookRoute>;

export const PlaybookRouting = z.strictObject({
  /** What runs when no route matches (default: the built-in alertWorkflow). */
  default: PlaybookName.optional(),
  routes: z.array(PlaybookRoute).max(50).default([]),
});
export type PlaybookRouting = z.infer<typeof PlaybookRouting>;

/** What routing reads about an alert: the alert, the format it came in, its observables. */
export interface RoutingFacts {
  alert: Pick<Alert, 'source' | 'rule' | 'attackTechniques'>;
  format?: string;
  observables: ObservableSet;
}

/** The chosen playbook and why; `route` is absent when the default ran. */
export interface PlaybookChoice {
  playbook: string;
  reason: string;
  route?: string;
}

const anyGlob = (patterns: string[], values: (string | undefined)[]) =>
  patterns.some((p) => values.some((v) => v !== undefined && globMatch(p, v)));

export function routeMatches({ match }: PlaybookRoute, { alert, format, observables }: RoutingFacts): boolean {
  if (match.source && !anyGlob(match.source, [alert.source])) return false;
  if (match.format && !(format && (match.format as string[]).includes(format))) return false;
  if (match.rule && !anyGlob(match.rule, [alert.rule?.id, alert.rule?.name])) return false;
  if (match.technique && !anyGlob(match.technique, alert.attackTechniques)) return false;
  if (match.observable && !match.observable.some((k) => observables[OBSERVABLE_KINDS[k]].length > 0)) return false;
  return true;
}

/** The playbook for an alert under the routing (absent: the built-in for everything). */
export function choosePlaybook(routing: PlaybookRouting | undefined, facts: RoutingFacts): PlaybookChoice {
  const route = routing?.routes.find((r) => routeMatches(r, facts));
  if (route) return { playbook: route.playbook, route: route.name, reason: `playbook ${route.playbook} chosen by route "${route.name}"` };
  const playbook = routing?.default ?? BUILT_IN_PLAYBOOK;
  return { playbook, reason: `playbook ${playbook}: no route matched (default)` };
}

/** Every playbook the routing may start: each must be a workflow the worker registers. */
export const routedPlaybooks = (routing: PlaybookRouting | undefined): string[] => [
  ...new Set([routing?.default ?? BUILT_IN_PLAYBOOK, ...(routing?.routes ?? []).map((r) => r.playbook)]),
];
