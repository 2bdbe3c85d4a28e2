// Response connectors from the environment: each with its credentials, manual last, problems named by variable.
import { checkResponseRouting, respondersFor, responseConnectorsFromEnv } from '../../../src/connectors/response/config';

test('nothing configured: manual only', () => {
  expect(responseConnectorsFromEnv({}).map((c) => c.name)).toEqual(['manual']);
});

test('each vendor with its credentials, manual last', () => {
  const names = responseConnectorsFromEnv({
    FALCON_CLIENT_ID: 'a',
    FALCON_CLIENT_SECRET: 'b',
    MDE_CLIENT_ID: 'c',
    MDE_CLIENT_SECRET: 'd',
    MDE_TOKEN_URL: 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
    GRAPH_CLIENT_ID: 'e',
    GRAPH_CLIENT_SECRET: 'f',
    GRAPH_TOKEN_URL: 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
    OKTA_ORG_URL: 'https://corp.okta.com',
    OKTA_API_TOKEN: 'g',
  }).map((c) => c.name);
  expect(names).toEqual(['falcon', 'defender', 'entra', 'graph-mail', 'okta', 'manual']);
});

test('half-set credentials are refused by variable name, never showing the value', () => {
  expect(() => responseConnectorsFromEnv({ OKTA_API_TOKEN: 'super-secret-token' })).toThrow(
    /OKTA_ORG_URL and OKTA_API_TOKEN must be set together/,
  );
  expect(() => responseConnectorsFromEnv({ OKTA_API_TOKEN: 'super-secret-token' })).not.toThrow(/super-secret-token/);
  expect(() => responseConnectorsFromEnv({ GRAPH_CLIENT_ID: 'x', GRAPH_CLIENT_SECRET: 'y' })).toThrow(/GRAPH_TOKEN_URL/);
});

test('a policy routing to a connector without credentials is refused at start', () => {
  const connectors = responseConnectorsFromEnv({ OKTA_ORG_URL: 'https://corp.okta.com', OKTA_API_TOKEN: 'g' });
  expect(() => checkResponseRouting({ disable_user: 'okta' }, connectors)).not.toThrow();
  expect(() => checkResponseRouting({ disable_user: 'entra' }, connectors)).toThrow(
    /routes disable_user to entra, which has no credentials/,
  );
});

test('the worker registers only the routed vendor connectors: credentials alone never contain anything', () => {
  const env = { FALCON_CLIENT_ID: 'a', FALCON_CLIENT_SECRET: 'b', OKTA_ORG_URL: 'https://corp.okta.com', OKTA_API_TOKEN: 'g' };
  expect(respondersFor(undefined, env).map((c) => c.name)).toEqual(['manual']);
  expect(respondersFor({ disable_user: 'okta' }, env).map((c) => c.name)).toEqual(['okta', 'manual']);
});
