// What every EDR connector offers autosoc: fetch a file from a host (and, where the API
// allows, list a process's surroundings), resumable after a crash through a checkpoint.
export const EDR_CONNECTORS = ['falcon', 'defender'] as const;
export type EdrConnectorName = (typeof EDR_CONNECTORS)[number];

export interface FetchedFile {
  bytes: Buffer;
  /** File name as collected (the path's last component; `.7z` added when the API wraps it). */
  name: string;
  mediaType: string;
  /** Anything an analyst must know about the bytes (e.g. a password-protected archive). */
  note?: string;
  /** What the API wrapped the file in, when it was taken off (kept as evidence too: provenance). */
  container?: { bytes: Buffer; name: string; mediaType: string; note: string };
}

/** Where a remote command got to, so a retry resumes it instead of running it again. */
export interface EdrCheckpoint {
  /** What the last attempt saved (undefined on a first attempt). */
  readonly saved?: Record<string, unknown>;
  save(ref: Record<string, unknown>): Promise<void>;
}

export interface EdrProgress {
  step: string;
  ref?: Record<string, unknown>;
}

export interface EdrCallOptions {
  /** Cancellation (an activity's cancellationSignal()). */
  signal?: AbortSignal;
  /** How to wait between polls (an activity's cancellable sleep); default: a timer on `signal`. */
  sleep?: (ms: number) => Promise<void>;
  /** Called at every step and poll (an activity heartbeats here). */
  onProgress?: (progress: EdrProgress) => void;
  checkpoint?: EdrCheckpoint;
}

export interface ProcessEntry {
  pid: number;
  name: string;
  path?: string;
  parentPid?: number;
  startTime?: string;
}

export interface ProcessSnapshot {
  hostId: string;
  pid: number;
  /** Which API call produced it, e.g. "rtr ps". */
  source: string;
  target?: ProcessEntry;
  parent?: ProcessEntry;
  children: ProcessEntry[];
  /** Everything listed; bounded by the connector. */
  processes: ProcessEntry[];
  /** False when the source has no parent ids (then parent and children stay empty). */
  parentsKnown: boolean;
}

export interface EdrConnector {
  readonly name: EdrConnectorName;
  /** Collects one file. `idempotencyKey` is recorded with the remote action where the API has room for it. */
  fetchFile(hostId: string, path: string, idempotencyKey: string, options?: EdrCallOptions): Promise<FetchedFile>;
  processTree?(hostId: string, pid: number, options?: EdrCallOptions): Promise<ProcessSnapshot>;
  /** One harmless call proving the credentials work (for `autosoc connectors check`); what it proved. */
  checkAccess(signal?: AbortSignal): Promise<string>;
}

/** Polling bounds every connector shares. */
export interface PollSettings {
  /** First wait between polls; it grows by half up to maxPollIntervalMs. */
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  /** Longest a remote command may take before the connector gives up ('unavailable'). */
  maxWaitMs: number;
}

/** The last component of a Windows or POSIX path. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? 'file';
}
