// The one way autosoc processes talk to Temporal: every client and worker encrypts payloads
// with the configured keys (src/security/payload-codec.ts). Use these instead of `new Client`.
import { Client, type Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { encryptedDataConverter } from '../security/payload-codec';
import { activeTracing } from '../telemetry/tracing';

export const dataConverterFor = (config: Pick<Config, 'security'>): DataConverter => encryptedDataConverter(config.security.payloadKeys);

/** With Temporal's OpenTelemetry client interceptors when tracing is installed (src/telemetry). */
export const temporalClient = (config: Pick<Config, 'security' | 'temporal'>, connection: Connection): Client =>
  new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterFor(config),
    interceptors: activeTracing()?.clientInterceptors,
  });
