// The EDR allow-list: paths resolved before matching so "..", separators, case and Windows
// spellings cannot step outside a pattern; no list, nothing allowed.
import { edrFetchRefusal, normaliseEdrPath } from '../../src/domain/edr-allow-list';
import { TriagePolicy, DEFAULT_POLICY } from '../../src/domain/policy';

const allow = {
  hosts: ['ws-*', 'aid-1234'],
  paths: ['C:\\Users\\*\\Downloads\\**', 'C:\\Windows\\Temp\\*.exe', '/tmp/**', '/home/*/bin/?'],
};

describe('normaliseEdrPath', () => {
  it.each([
    ['C:\\Users\\a\\..\\b\\x.exe', 'C:\\Users\\b\\x.exe'],
    ['c:/Users//a/./x.exe', 'C:\\Users\\a\\x.exe'],
    ['/tmp/a/../b/./c', '/tmp/b/c'],
    ['//tmp///x', '/tmp/x'],
  ])('%s resolves to %s', (path, canonical) => {
    expect(normaliseEdrPath(path)).toMatchObject({ canonical });
  });

  it.each([
    ['relative', 'tmp/x', /absolute/],
    ['above the root', '/tmp/../../etc/shadow', /above the root/],
    ['UNC', '\\\\server\\share\\x', /drive letter/],
    ['device', '\\\\?\\C:\\x', /drive letter/],
    ['trailing dot', 'C:\\Users\\a\\Downloads\\x.exe.', /trailing dots/],
    ['trailing space', 'C:\\Users\\a\\Downloads \\x.exe', /trailing dots and spaces/],
    ['8.3 name', 'C:\\PROGRA~1\\x.exe', /short names/],
    ['stream', 'C:\\Users\\a\\Downloads\\x.exe::$DATA', /streams/],
    ['variable', 'C:\\%TEMP%\\x.exe', /variables/],
    ['root only', '/', /names no file/],
  ])('%s is refused', (_what, path, reason) => {
    expect(normaliseEdrPath(path)).toEqual({ refused: expect.stringMatching(reason) });
  });
});

describe('edrFetchRefusal', () => {
  it.each([
    ['ws-7', 'C:\\Users\\jdoe\\Downloads\\a\\b.exe'],
    ['WS-7', 'c:\\users\\JDOE\\downloads\\b.exe'], // Windows paths and host ids: case-insensitive
    ['aid-1234', 'C:\\Windows\\Temp\\dropper.exe'],
    ['ws-1', '/tmp/x/y'],
    ['ws-1', '/home/bob/bin/a'],
  ])('allows %s %s', (host, path) => {
    expect(edrFetchRefusal(allow, host, path)).toBeUndefined();
  });

  it.each([
    ['no list', undefined, 'ws-7', '/tmp/x', /no edrCollection.allow list/],
    ['other host', allow, 'dc-1', '/tmp/x', /host dc-1 is not in/],
    ['host pattern is anchored', allow, 'xws-7', '/tmp/x', /host xws-7/],
    [
      '".." out of Downloads',
      allow,
      'ws-7',
      'C:\\Users\\jdoe\\Downloads\\..\\..\\..\\Windows\\System32\\config\\SAM',
      /C:\\Windows\\System32\\config\\SAM is not in/,
    ],
    ['"*" is one segment', allow, 'ws-7', 'C:\\Windows\\Temp\\sub\\x.exe', /is not in/],
    ['"?" is one character', allow, 'ws-7', '/home/bob/bin/ab', /is not in/],
    ['POSIX is case-sensitive', allow, 'ws-7', '/TMP/x', /is not in/],
    ['a POSIX path never matches a Windows pattern', { hosts: ['*'], paths: ['C:\\**'] }, 'ws-7', '/etc/passwd', /is not in/],
    ['".." out of /tmp', allow, 'ws-7', '/tmp/../etc/shadow', /\/etc\/shadow is not in/],
  ])('refuses: %s', (_what, list, host, path, reason) => {
    expect(edrFetchRefusal(list, host, path)).toMatch(reason);
  });
});

describe('the policy schema', () => {
  const withAllow = (paths: string[]) =>
    TriagePolicy.safeParse({ ...DEFAULT_POLICY, edrCollection: { connector: 'falcon', allow: { hosts: ['*'], paths } } });
  it('takes absolute globs and refuses relative ones or ".."', () => {
    expect(withAllow(['C:\\Users\\*\\Downloads\\**', '/tmp/**']).success).toBe(true);
    expect(withAllow(['Users\\**']).error?.issues[0].message).toMatch(/absolute path glob/);
    expect(withAllow(['/tmp/../etc/*']).error?.issues[0].message).toMatch(/must not contain ".."/);
  });
});
