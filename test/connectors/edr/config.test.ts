import { inspect } from 'node:util';
import { edrConnectorsFromConfig, EdrConfigError, parseEdrConfig } from '../../../src/connectors/edr/config';
import { parsePsOutput } from '../../../src/connectors/edr/ps-output';
import { countTextWork } from '../../helpers/work';

const problems = (env: Record<string, string>): string => {
  try {
    parseEdrConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(EdrConfigError);
    return (err as Error).message;
  }
  throw new Error('expected an EdrConfigError');
};

describe('EDR configuration from the environment', () => {
  it('turns each connector on only with its id and secret, with documented defaults', () => {
    expect(parseEdrConfig({})).toEqual({});
    expect(parseEdrConfig({ FALCON_CLIENT_ID: '', MDE_CLIENT_ID: '' })).toEqual({});
    const poll = {
      timeoutMs: 30_000,
      pollIntervalMs: 5_000,
      maxPollIntervalMs: 30_000,
      maxWaitMs: 900_000,
      maxFileBytes: 64 * 1024 * 1024,
    };
    expect(
      parseEdrConfig({
        FALCON_CLIENT_ID: 'fid',
        FALCON_CLIENT_SECRET: 'fsecret',
        MDE_CLIENT_ID: 'mid',
        MDE_CLIENT_SECRET: 'msecret',
        MDE_TOKEN_URL: 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
      }),
    ).toEqual({
      falcon: { ...poll, baseUrl: 'https://api.crowdstrike.com', clientId: 'fid', clientSecret: 'fsecret' },
      defender: {
        ...poll,
        baseUrl: 'https://api.securitycenter.microsoft.com',
        tokenUrl: 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
        clientId: 'mid',
        clientSecret: 'msecret',
        scope: 'https://api.securitycenter.microsoft.com/.default',
      },
    });
    expect(
      parseEdrConfig({
        FALCON_BASE_URL: 'https://api.eu-1.crowdstrike.com',
        FALCON_CLIENT_ID: 'f',
        FALCON_CLIENT_SECRET: 's',
        EDR_TIMEOUT: '10s',
        EDR_POLL_INTERVAL: '2s',
        EDR_MAX_POLL_INTERVAL: '1s',
        EDR_MAX_WAIT: '5m',
        EDR_MAX_FILE_BYTES: '1048576',
      }).falcon,
    ).toMatchObject({
      baseUrl: 'https://api.eu-1.crowdstrike.com',
      timeoutMs: 10_000,
      pollIntervalMs: 2_000,
      maxPollIntervalMs: 2_000,
      maxWaitMs: 300_000,
      maxFileBytes: 1_048_576,
    });
  });

  it('refuses half a configuration, naming variables and never their values', () => {
    expect(problems({ FALCON_CLIENT_ID: 'id-only' })).toContain('FALCON_CLIENT_ID and FALCON_CLIENT_SECRET must be set together');
    const m = problems({ MDE_CLIENT_ID: 'mid', MDE_CLIENT_SECRET: 'very-secret-mde-value' });
    expect(m).toContain('MDE_TOKEN_URL is required');
    expect(m).not.toContain('very-secret-mde-value');
    const u = problems({ FALCON_BASE_URL: 'not a url', FALCON_CLIENT_SECRET: 'falcon-secret-value', EDR_MAX_WAIT: 'soon' });
    expect(u).toMatch(/FALCON_BASE_URL/);
    expect(u).toMatch(/EDR_MAX_WAIT/);
    expect(u).not.toContain('falcon-secret-value');
  });

  it('builds clients whose logged form shows no secret', () => {
    const connectors = edrConnectorsFromConfig(
      parseEdrConfig({
        FALCON_CLIENT_ID: 'fid',
        FALCON_CLIENT_SECRET: 'falcon-secret-xyz',
        MDE_CLIENT_ID: 'mid',
        MDE_CLIENT_SECRET: 'mde-secret-xyz',
        MDE_TOKEN_URL: 'https://login.example/t/oauth2/v2.0/token',
      }),
    );
    expect(Object.keys(connectors).sort()).toEqual(['defender', 'falcon']);
    for (const c of Object.values(connectors)) {
      const shown = `${inspect(c, { depth: 10, showHidden: true })}${JSON.stringify(c)}`;
      expect(shown).not.toMatch(/secret-xyz/);
    }
  });
});

describe('Falcon RTR ps output', () => {
  it('reads rows with spaces in names and rows without a path, skipping headers', () => {
    const out = [
      'Name                Id Start Time (UTC-7)   WorkingMemory(kb)    CPU(s) HandleCount Path',
      '----                -- ------------------   -----------------    ------ ----------- ----',
      'conhost           2216 4/8/2025 12:14:21 PM             5,612      0.05          93 C:\\Windows\\system32\\conhost.exe',
      'Secure System       88 4/8/2025 11:59:02 AM            40,112      0.00           0',
      '',
    ].join('\n');
    expect(parsePsOutput(out)).toEqual([
      { name: 'conhost', pid: 2216, startTime: '4/8/2025 12:14:21 PM', path: 'C:\\Windows\\system32\\conhost.exe' },
      { name: 'Secure System', pid: 88, startTime: '4/8/2025 11:59:02 AM' },
    ]);
  });

  it('falls back to name, pid and a path for other layouts, and ignores noise', () => {
    expect(parsePsOutput('bash 4242 /usr/bin/bash\nno pid here\n\u0000\u0001')).toEqual([
      { name: 'bash', pid: 4242, path: '/usr/bin/bash' },
    ]);
    expect(parsePsOutput('')).toEqual([]);
  });

  it('stays bounded on huge output', async () => {
    const line = 'svchost 100 1/1/2025 1:00:00 AM 1 1 1 C:\\x.exe\n';
    expect(parsePsOutput(line.repeat(20_000))).toHaveLength(5_000);
    const wide = `${'a '.repeat(100_000)}\n`.repeat(5);
    const { work } = await countTextWork(() => parsePsOutput(wide));
    expect(work.execs).toBeLessThan(100);
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(4 * wide.length);
  });
});
