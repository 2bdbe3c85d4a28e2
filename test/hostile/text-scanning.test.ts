// Untrusted text that made regexes backtrack quadratically, through the real entry points, with
// the output they must give (never timing), plus the linear helpers checked against the regexes
// they replace on ordinary input (differential: same answers where the old regex was fine).
import { parseAlert } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { edrFetchRefusal } from '../../src/domain/edr-allow-list';
import { findEmails, globMatch, pathGlobMatch, trimChars, trimEndChars } from '../../src/domain/text-scan';
import { countTextWork } from '../helpers/work';
import { normalizeBody } from '../../src/ingest/normalize';

const receivedAt = '2026-12-07T12:00:00Z';
const eml = (body: string) =>
  Buffer.from(
    [
      'From: Mallory <mallory@hostile.example>',
      'To: soc@corp.example',
      'Subject: dots',
      'Date: Mon, 7 Dec 2026 10:00:00 +0000',
      'Message-ID: <dots@hostile.example>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );

describe('regressions through the real entry points', () => {
  test('an e-mail body with a URL followed by 100k dots: the URL, without the dots', async () => {
    const [item] = await normalizeBody(eml(`click https://evil.example/pay${'.'.repeat(100_000)} now`), { receivedAt });
    expect(item).toMatchObject({ ok: true, format: 'eml' });
    if (!item.ok) return;
    expect(item.alert.observables.urls).toEqual(['https://evil.example/pay']);
  });

  test('an e-mail body with 100k dots then a letter inside the URL: an over-long URL is dropped, the mail still maps', async () => {
    const [item] = await normalizeBody(eml(`click https://evil.example/${'.'.repeat(100_000)}x`), { receivedAt });
    expect(item).toMatchObject({ ok: true, format: 'eml' });
    if (!item.ok) return;
    expect(item.alert.observables.urls).toEqual([]);
  });

  test('a 32 KB command line of http://a.a.a…: one URL, its host as domain, no e-mail', () => {
    const url = `http://${'a.'.repeat(16_000)}x`;
    const alert = parseAlert({
      source: 'edr',
      sourceId: 'dots',
      time: receivedAt,
      title: 'long command line',
      severity: 'low',
      observables: { processes: [{ name: 'curl', commandLine: `curl ${url}` }] },
    });
    const set = extractObservables(alert);
    expect(set.urls).toEqual([url]);
    expect(set.domains).toEqual([url.slice('http://'.length)]);
    expect(set.emails).toEqual([]);
  });

  test('a 32 KB run of e-mail characters with no "@" or with "@" and no domain: no e-mail', () => {
    expect(findEmails('a.'.repeat(16_000))).toEqual([]);
    expect(findEmails(`${'a.'.repeat(8_000)}@${'-'.repeat(8_000)}`)).toEqual([]);
    expect(findEmails('@'.repeat(32_000))).toEqual([]);
  });
});

describe('the linear helpers answer like the regexes they replace', () => {
  const OLD_EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g;
  test.each([
    'contact bob.smith@corp.example.com, or x@y.co.',
    'mail to <alice+tag@sub.domain.org> and "carol@host.io"',
    'weird a@b.c and a@b.com.x1 and a@b.comx_ and first.last@192.168.1.1',
    'two@one.example,three@two.example;four@three.example',
    'no address here @ all, not@ and @not.example',
    '.dot@start.example and under_score@x.example.net',
    'user@localhost or user@site.travel',
  ])('%s', (text) => {
    expect(findEmails(text)).toEqual(text.match(OLD_EMAIL) ?? []);
  });

  test('globMatch is the ^…$ glob it replaces', () => {
    const OLD = (p: string) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const cases: [string, string][] = [
      ['web-*', 'web-01'],
      ['web-*', 'db-01'],
      ['*', ''],
      ['*.corp', 'a.corp'],
      ['*.corp', 'a.corpx'],
      ['a*b*c', 'axxbyyc'],
      ['a*b*c', 'axxbyy'],
      ['a*b*c', 'abc'],
      ['exact', 'exact'],
      ['exact', 'exactly'],
      ['**x', 'x'],
      ['a.b', 'axb'],
    ];
    for (const [p, t] of cases) expect([p, t, globMatch(p, t)]).toEqual([p, t, OLD(p).test(t)]);
  });

  test('pathGlobMatch is the path glob regex it replaces (edr-allow-list before)', () => {
    const OLD = (glob: string) => {
      let re = '';
      for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === '*' && glob[i + 1] === '*') {
          re += '.*';
          i++;
        } else if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      return new RegExp(`^${re}$`);
    };
    const globs = [
      '/var/log/*',
      '/var/log/**',
      '/home/*/.ssh/authorized_keys',
      'c:/users/*/appdata/**/*.exe',
      '/tmp/?.sh',
      '**',
      '*',
      '/a/**/b/*/c',
      '/x.y/(z)',
    ];
    const paths = [
      '/var/log/syslog',
      '/var/log/nginx/access.log',
      '/home/bob/.ssh/authorized_keys',
      '/home/a/b/.ssh/authorized_keys',
      'c:/users/bob/appdata/local/temp/x.exe',
      'c:/users/bob/appdata/x.exe',
      'c:/users/bob/x.exe',
      '/tmp/a.sh',
      '/tmp/ab.sh',
      '/tmp//.sh',
      '',
      '/',
      '/a/b/x/c',
      '/a/q/r/b/x/c',
      '/a/b/x/y/c',
      '/var/log/a\nb',
      '/x.y/(z)',
      '/xzy/(z)',
    ];
    for (const g of globs) for (const t of paths) expect([g, t, pathGlobMatch(g, t)]).toEqual([g, t, OLD(g).test(t)]);
  });

  test('EDR allow-list globs on a hostile host and path: matched by loops, no regex over them', async () => {
    const allow = { paths: ['/a/**/b/**/c/**/d/*/*/*/e'], hosts: ['web-*-*-*-*-x'] };
    const host = `web-${'-'.repeat(20_000)}y`;
    const hostCheck = await countTextWork(() => edrFetchRefusal(allow, host, '/a/b/c/d/1/2/3/e'));
    expect(hostCheck.value).toMatch(/^host .* is not in edrCollection.allow.hosts$/);
    // The glob regex ran over the whole host (degree-5 polynomial here); globMatch is a loop.
    expect(hostCheck.work.longestInput).toBeLessThan(100);
    const path = `/a/${'b/'.repeat(8000)}z`;
    const pathCheck = await countTextWork(() => edrFetchRefusal(allow, 'web-1-2-3-4-x', path));
    expect(pathCheck.value).toMatch(/is not in edrCollection.allow.paths/);
    // What regexes remain (the normaliser's checks) see the path a bounded number of times.
    expect(pathCheck.work.charsScanned).toBeLessThan(20 * path.length);
  });

  test('trim helpers', () => {
    expect(trimEndChars('http://x/a.,;', '.,;')).toBe('http://x/a');
    expect(trimEndChars('....', '.')).toBe('');
    expect(trimChars('..corp.example..', '.')).toBe('corp.example');
    expect(trimEndChars(`a${'.'.repeat(100_000)}x`, '.')).toBe(`a${'.'.repeat(100_000)}x`);
  });
});
