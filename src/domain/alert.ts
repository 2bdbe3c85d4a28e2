// The one Alert model every source is normalized into. Field names follow the OCSF
// Detection Finding (class_uid 2004) where they fit, so normalizers map 1:1.
import { z } from 'zod';
import { SEVERITIES } from './severity';

export { SEVERITIES };
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** OCSF severity_id for each severity (1 Informational .. 5 Critical). */
export const OCSF_SEVERITY_ID: Record<Severity, number> = {
  informational: 1,
  low: 2,
  medium: 3,
  high: 4,
  critical: 5,
};

const text = (max: number) => z.string().trim().min(1).max(max);
const Hashes = z.object({
  md5: z
    .string()
    .regex(/^[a-fA-F0-9]{32}$/, 'md5 must be 32 hex digits')
    .optional(),
  sha1: z
    .string()
    .regex(/^[a-fA-F0-9]{40}$/, 'sha1 must be 40 hex digits')
    .optional(),
  sha256: z
    .string()
    .regex(/^[a-fA-F0-9]{64}$/, 'sha256 must be 64 hex digits')
    .optional(),
});

export const Host = z.object({
  hostname: text(255).optional(),
  ip: text(64).optional(),
  os: text(128).optional(),
  /** The host's id in the EDR that raised the alert (OCSF device.uid): lets collectors reach it. */
  uid: text(128).optional(),
});
export const User = z.object({ name: text(256), domain: text(256).optional() });

const ProcessBase = z.object({
  pid: z.number().int().nonnegative().optional(),
  name: text(512).optional(),
  path: text(4096).optional(),
  commandLine: z.string().max(32_768).optional(),
  hashes: Hashes.optional(),
  signer: text(512).optional(),
  user: text(256).optional(),
});
/** A process with its ancestry, nearest parent first. */
export const Process = ProcessBase.extend({ parents: z.array(ProcessBase).max(32).default([]) });

export const FileObservable = z.object({
  path: text(4096).optional(),
  name: text(1024).optional(),
  hashes: Hashes.optional(),
  size: z.number().int().nonnegative().optional(),
});
export const NetworkConnection = z.object({
  srcIp: text(64).optional(),
  srcPort: z.number().int().min(0).max(65535).optional(),
  dstIp: text(64).optional(),
  dstPort: z.number().int().min(0).max(65535).optional(),
  protocol: text(16).optional(),
  direction: z.enum(['inbound', 'outbound', 'lateral', 'unknown']).optional(),
  /** Where the source's geolocation puts the source address (ISO 3166-1 alpha-2): what travel approvals are checked against. */
  srcCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'srcCountry is an ISO 3166-1 alpha-2 code')
    .optional(),
});
export const Email = z.object({
  from: text(512).optional(),
  to: z.array(text(512)).max(100).default([]),
  subject: z.string().max(2048).optional(),
  messageId: text(1024).optional(),
  /** Names of the message's X- headers (lower case): a simulation vendor's campaign stamp. */
  headerNames: z
    .array(z.string().regex(/^[a-z0-9-]{1,76}$/))
    .max(64)
    .optional(),
});

export const AlertObservables = z.object({
  hosts: z.array(Host).max(100).default([]),
  users: z.array(User).max(100).default([]),
  processes: z.array(Process).max(100).default([]),
  files: z.array(FileObservable).max(100).default([]),
  network: z.array(NetworkConnection).max(100).default([]),
  domains: z.array(text(253)).max(200).default([]),
  urls: z.array(text(8192)).max(200).default([]),
  ips: z.array(text(64)).max(200).default([]),
  emails: z.array(Email).max(20).default([]),
});

/** A blob in the evidence store (by sha256), attached to the alert at ingest. */
export const EvidenceRef = z.object({
  sha256: z.string().regex(/^[a-f0-9]{64}$/, 'sha256 must be 64 lower-case hex digits'),
  kind: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/),
  mediaType: z.string().min(1).max(255),
  sizeBytes: z.number().int().nonnegative(),
  name: z.string().max(1024).optional(),
  /** Provenance of a file taken out of what a vendor wrapped it in (e.g. Defender's GetFile ZIP): that container, stored too. */
  container: z
    .object({
      sha256: z.string().regex(/^[a-f0-9]{64}$/),
      name: z.string().max(1024),
      mediaType: z.string().max(255),
      note: z.string().max(1000),
    })
    .optional(),
});
export type EvidenceRef = z.infer<typeof EvidenceRef>;

/** What the source tool did about what it saw: it stopped it, or only reported it. */
export const OUTCOMES = ['blocked', 'quarantined', 'deleted', 'allowed', 'detected'] as const;
/** What kind of finding the source raised: an attack, or inventory/policy noise for another queue. */
export const FINDING_TYPES = ['threat', 'vulnerability', 'acceptable-use', 'av-test', 'policy'] as const;
/**
 * The source tool's own semantics, carried through every mapper (all optional: a mapper fills
 * only what its format states in structured fields, never what free text claims).
 */
export const AlertSemantics = z.object({
  outcome: z.enum(OUTCOMES).optional(),
  /** The source's confidence or risk score, 0-100. */
  sourceConfidence: z.number().min(0).max(100).optional(),
  findingType: z.enum(FINDING_TYPES).optional(),
  /** The source's own verdict on the object it inspected (a sandbox or reputation service: PAN-OS WildFire). */
  sourceVerdict: z.enum(['benign', 'suspicious', 'malicious']).optional(),
});
export type AlertSemantics = z.infer<typeof AlertSemantics>;

export const Alert = z.object({
  /** The tool that raised it, e.g. "elastic", "wazuh", "crowdstrike". */
  source: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'source must be 1-64 chars of a-z, 0-9, "_", ".", "-"'),
  /** The alert's id in its source; with `source` it identifies the alert for dedup. */
  sourceId: text(256),
  time: z.iso.datetime({ offset: true }),
  title: text(512),
  description: z.string().max(16_384).optional(),
  severity: Severity,
  product: z.object({ name: text(256), vendor: text(256).optional() }).optional(),
  rule: z.object({ id: text(256).optional(), name: text(512).optional() }).optional(),
  attackTechniques: z
    .array(z.string().regex(/^T\d{4}(\.\d{3})?$/, 'ATT&CK ids look like T1059 or T1059.001'))
    .max(50)
    .default([]),
  observables: AlertObservables.default(() => AlertObservables.parse({})),
  /** The original event as the source sent it, when small; large originals are evidence (kind "raw-event"). */
  raw: z.unknown().optional(),
  /** Blobs stored at ingest: the original event when large, an email's .eml, attachments. */
  evidence: z.array(EvidenceRef).max(100).default([]),
  /**
   * What the ingest boundary had to repair or drop in hostile or broken input (NUL bytes,
   * lone surrogates, invalid UTF-8, prototype keys, truncated fields). An alert that carries
   * any is never auto-closed: it was not read as its sender wrote it.
   */
  inputAnomalies: z
    .array(z.string().regex(/^[a-z0-9-]{1,64}$/))
    .max(32)
    .default([]),
  semantics: AlertSemantics.default({}),
  /** The format ingest read it in (ecs, wazuh, ocsf, cef, eml, autosoc): set by normalize, never taken from the sender. */
  ingestFormat: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/)
    .optional(),
});
export type Alert = z.infer<typeof Alert>;
export type AlertInput = z.input<typeof Alert>;

export class AlertValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid alert: ${issues.join('; ')}`);
    this.name = 'AlertValidationError';
  }
}

/** Parse untrusted input into an Alert, or throw an error that names every bad field. */
export function parseAlert(input: unknown): Alert {
  const result = Alert.safeParse(input);
  if (result.success) return result.data;
  throw new AlertValidationError(result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`));
}

/**
 * Workflow id for an alert: deterministic in (source, sourceId) so a redelivered alert
 * lands on the same workflow. Characters outside a safe set are percent-encoded, which
 * keeps distinct source ids distinct.
 */
export function alertWorkflowId(alert: Pick<Alert, 'source' | 'sourceId'>): string {
  // Code points, not UTF-16 units: each non-BMP character encodes as its own UTF-8 bytes.
  // A lone surrogate has no UTF-8 form, so it gets a %uXXXX escape ("%" itself is escaped).
  const safe = alert.sourceId.replace(/[^A-Za-z0-9_.:-]/gu, (c) => {
    const cp = c.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) return `%u${cp.toString(16).toUpperCase()}`;
    return Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  });
  return `alert:${alert.source}:${safe}`;
}
