// Temporal test environments on the binaries scripts/setup.sh provides (never downloaded).
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SearchAttributeType } from '@temporalio/common';

const V = temporal.api.enums.v1.IndexedValueType;
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  [SearchAttributeType.TEXT]: V.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: V.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: V.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: V.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: V.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: V.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: V.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};
import { temporalCliPath, temporalTestServerPath } from '../../src/temporal/binaries';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';
import { testDataConverter } from './security';

/**
 * Java time-skipping test server: timers of hours pass in milliseconds. It takes no
 * search-attribute flags, so autosoc's are registered through the operator service.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    client: { dataConverter: testDataConverter },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]])),
  });
  return env;
}

/** The real dev server (in-memory), with autosoc's search attributes registered. */
export const devServerEnv = () =>
  TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      extraArgs: ['--log-level', 'error'],
    },
    client: { dataConverter: testDataConverter },
  });

export const uniqueSuffix = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
