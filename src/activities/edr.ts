// Collect a file from a host through an EDR (Falcon RTR or Defender Live Response) and keep
// it as evidence. Idempotent by (workflow, connector, host, path) in edr_fetches: after a
// success a retry returns the stored reference without touching the host; after a crash
// mid-command it resumes the recorded remote command instead of starting another.
import { ApplicationFailure, cancellationSignal, heartbeat, sleep } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { EdrConnectors } from '../connectors/edr/config';
import { claimEdrFetch, completeEdrFetch, edrIdempotencyKey, failEdrFetch, saveEdrRemoteRef, type EdrFetchKey } from '../store/edr-fetches';
import { isConnectorError } from '../connectors/connector-http';
import { EDR_CONNECTORS, type EdrConnectorName } from '../connectors/edr/types';
import { edrFetchRefusal, normaliseEdrPath, type EdrAllowList, type NormalisedPath } from '../domain/edr-allow-list';
import { alertExists } from '../store/alerts';
import { linkEvidence, storeEvidence, type EvidenceRef } from '../store/evidence';
import { BAD_INPUT, NOT_CONFIGURED } from '../domain/error-types';

export interface EdrFetchFileInput {
  workflowId: string;
  connector: EdrConnectorName;
  hostId: string;
  path: string;
}

export interface EdrActivityDeps {
  db: Pool;
  /** Configured connectors (the worker builds them from FALCON_*, MDE_* in its configuration). */
  edr?: EdrConnectors;
  /** The worker's policy edrCollection.allow; absent: every fetch is refused. */
  edrAllow?: EdrAllowList;
}

function connectorFor(deps: EdrActivityDeps, name: EdrConnectorName) {
  const connector = deps.edr?.[name];
  if (!connector) throw ApplicationFailure.nonRetryable(`EDR connector ${name} is not configured`, NOT_CONFIGURED);
  return connector;
}

function validate(input: EdrFetchFileInput): void {
  const bad = (msg: string) => ApplicationFailure.nonRetryable(`edrFetchFile: ${msg}`, BAD_INPUT);
  if (!input || typeof input.workflowId !== 'string' || !input.workflowId || input.workflowId.length > 512)
    throw bad('workflowId is required');
  if (!(EDR_CONNECTORS as readonly string[]).includes(input.connector)) throw bad(`connector must be one of ${EDR_CONNECTORS.join(', ')}`);
  if (typeof input.hostId !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(input.hostId))
    throw bad('hostId must be 1-128 letters, digits, ".", "_", ":" or "-"');
  if (typeof input.path !== 'string' || !input.path || input.path.length > 1024 || /[\r\n\0]/.test(input.path))
    throw bad('path must be 1-1024 characters on one line');
}

async function linkIfAlertExists(db: Pool, workflowId: string, ref: EvidenceRef): Promise<void> {
  if (await alertExists(db, workflowId)) await linkEvidence(db, workflowId, ref);
}

export async function edrFetchFile(deps: EdrActivityDeps, input: EdrFetchFileInput): Promise<EvidenceRef> {
  validate(input);
  // Checked here, on the worker's own policy, not the workflow's input: whoever can start a
  // workflow cannot widen what the EDR fetches. The resolved path is what is fetched.
  const refusal = edrFetchRefusal(deps.edrAllow, input.hostId, input.path);
  if (refusal) throw ApplicationFailure.nonRetryable(`edrFetchFile: ${refusal}`, 'EdrNotAllowed');
  const path = (normaliseEdrPath(input.path) as NormalisedPath).canonical;
  const connector = connectorFor(deps, input.connector);
  const k: EdrFetchKey = { workflowId: input.workflowId, connector: input.connector, hostId: input.hostId, path };
  const key = edrIdempotencyKey(k);
  const record = await claimEdrFetch(deps.db, key, k);
  if (record.state === 'done' && record.evidence) return record.evidence;

  let fetched;
  try {
    fetched = await connector.fetchFile(input.hostId, path, key, {
      signal: cancellationSignal(),
      sleep: (ms) => sleep(ms),
      onProgress: (p) => heartbeat(p),
      checkpoint: { saved: record.remoteRef, save: (ref) => saveEdrRemoteRef(deps.db, key, ref) },
    });
  } catch (err) {
    if (!isConnectorError(err) || err.kind === 'unavailable') throw err; // cancellation, outages: Temporal retries
    await failEdrFetch(deps.db, key, err.message);
    const type = {
      auth: 'EdrAuth',
      'not-found': 'EdrNotFound',
      rejected: 'EdrRejected',
      malformed: 'EdrMalformed',
      'too-large': 'EdrTooLarge',
    }[err.kind];
    throw ApplicationFailure.nonRetryable(`${connector.name}: ${err.message}`, type);
  }
  const container = fetched.container
    ? await storeEvidence(deps.db, {
        kind: 'container',
        mediaType: fetched.container.mediaType,
        name: fetched.container.name.slice(0, 1024),
        content: fetched.container.bytes,
      })
    : undefined;
  const stored = await storeEvidence(deps.db, {
    kind: 'file',
    mediaType: fetched.mediaType,
    name: fetched.name.slice(0, 1024),
    content: fetched.bytes,
  });
  const ref =
    container && fetched.container
      ? {
          ...stored,
          container: {
            sha256: container.sha256,
            name: container.name ?? fetched.container.name,
            mediaType: container.mediaType,
            note: fetched.container.note.slice(0, 1000),
          },
        }
      : stored;
  if (container) await linkIfAlertExists(deps.db, input.workflowId, container);
  await linkIfAlertExists(deps.db, input.workflowId, ref);
  await completeEdrFetch(deps.db, key, ref);
  return ref;
}
