// Web-shell writes (T1505.003), each malicious pattern with its benign twin: the same file
// written by a deploy tool, or an upload folder holding data rather than code.
import { Finding } from '../../src/domain/finding';
import { analyzeWebShellWrites } from '../../src/analyzers/web-shell';
import { parseAlert } from '../../src/domain/alert';
import { mapWazuh } from '../../src/ingest/formats/wazuh';

/** A Wazuh FIM "file added" alert in whodata mode, as the manager writes it (authored). */
function decodeWazuh(path: string, writer: string) {
  const doc = {
    timestamp: '2026-03-18T02:51:33.183+0000',
    id: '1773802293.1',
    location: 'syscheck',
    rule: {
      level: 5,
      description: 'File added to the system.',
      id: '554',
      groups: ['ossec', 'syscheck', 'syscheck_entry_added', 'syscheck_file'],
    },
    agent: { id: '009', name: 'web01', ip: '10.0.0.31' },
    full_log: `File '${path}' added\nMode: whodata\n`,
    syscheck: {
      path,
      mode: 'whodata',
      event: 'added',
      size_after: '2291',
      uname_after: 'www-data',
      audit: {
        user: { id: '33', name: 'www-data' },
        process: { id: '2814', name: writer, cwd: '/var/www/site', parent_name: writer, ppid: '1022' },
      },
    },
  };
  return parseAlert(mapWazuh(doc, { receivedAt: '2026-03-18T02:51:34.000Z' }).alert);
}

const proc = (path: string, commandLine?: string) => ({ path, name: path.replace(/^.*[\\/]/, ''), commandLine, parents: [] });

describe('a server-side script written as a web shell is', () => {
  const malicious: [string, string, ReturnType<typeof proc> | undefined, string][] = [
    [
      'PHP in WordPress uploads by php-fpm',
      '/var/www/shop/wp-content/uploads/2026/03/thumb-cache.php',
      proc('/usr/sbin/php-fpm8.1'),
      'script-in-upload-folder',
    ],
    [
      'ASPX in an IIS site by w3wp',
      'C:\\inetpub\\wwwroot\\portal\\help.aspx',
      proc('C:\\Windows\\System32\\inetsrv\\w3wp.exe'),
      'web-server-wrote-script',
    ],
    [
      'JSP in Tomcat webapps by the servlet container',
      '/opt/tomcat/webapps/ROOT/status.jsp',
      proc('/usr/lib/jvm/java-17/bin/java', 'java -Dcatalina.base=/opt/tomcat org.apache.catalina.startup.Bootstrap start'),
      'web-server-wrote-script',
    ],
    [
      'ASPX in Exchange OWA auth by w3wp (ProxyShell)',
      'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\x.aspx',
      proc('C:\\Windows\\System32\\inetsrv\\w3wp.exe'),
      'web-server-wrote-script',
    ],
    ['PHP in an upload folder, writer unknown', '/var/www/html/uploads/avatar.phtml', undefined, 'script-in-upload-folder'],
  ];
  test.each(malicious)('flagged: %s', (_, path, writer, id) => {
    const f = Finding.parse(analyzeWebShellWrites([{ path }], writer ? [writer] : []));
    expect(f.verdict).not.toBe('unknown');
    expect(f.verdict).not.toBe('benign');
    expect(f.score).toBeGreaterThanOrEqual(60);
    expect(f.summary).toContain(id);
    expect(f.attack).toContain('T1505.003');
    expect(f.evidence.join(' ')).toContain(path);
  });

  test('a script in an upload folder written by the web server is malicious (both signals)', () => {
    const f = analyzeWebShellWrites([{ path: '/var/www/shop/wp-content/uploads/2026/03/thumb-cache.php' }], [proc('/usr/sbin/php-fpm8.1')]);
    expect(f.verdict).toBe('malicious');
    expect(f.summary).toMatch(/script-in-upload-folder, web-server-wrote-script/);
  });
});

describe('benign twins are not flagged', () => {
  const benign: [string, string, ReturnType<typeof proc> | undefined][] = [
    ['an image in WordPress uploads by php-fpm', '/var/www/shop/wp-content/uploads/2026/03/thumb.jpg', proc('/usr/sbin/php-fpm8.1')],
    ['a PHP plugin deployed by rsync', '/var/www/shop/wp-content/plugins/shop/shop.php', proc('/usr/bin/rsync')],
    [
      'an ASPX page published by msdeploy',
      'C:\\inetpub\\wwwroot\\portal\\help.aspx',
      proc('C:\\Program Files\\IIS\\Microsoft Web Deploy V3\\msdeploy.exe'),
    ],
    [
      'a JSP written by a plain java build (no servlet container)',
      '/home/dev/src/app/webapps/index.jsp',
      proc('/usr/bin/java', 'java -jar gradle-wrapper.jar build'),
    ],
    ['PHP written by the web server outside any web root', '/home/user/scripts/report.php', proc('/usr/sbin/apache2')],
  ];
  test.each(benign)('%s', (_, path, writer) => {
    const f = analyzeWebShellWrites([{ path }], writer ? [writer] : []);
    expect(['unknown', 'benign']).toContain(f.verdict);
    expect(f.score).toBe(0);
  });

  test('no files: nothing to say', () => {
    expect(analyzeWebShellWrites([], [proc('/usr/sbin/nginx')]).summary).toBe('no server-side script files');
  });
});

test('a Wazuh FIM (syscheck whodata) event carries the file and its writer into the analyzer', () => {
  const shell = decodeWazuh('/var/www/site/wp-content/uploads/2026/03/x.php', '/usr/sbin/php-fpm8.1');
  const f = analyzeWebShellWrites(shell.observables.files, shell.observables.processes);
  expect(f.verdict).toBe('malicious');
  expect(f.evidence.join(' ')).toContain('php-fpm8.1');
  const deploy = decodeWazuh('/var/www/site/wp-content/plugins/shop/shop.php', '/usr/bin/rsync');
  expect(analyzeWebShellWrites(deploy.observables.files, deploy.observables.processes).score).toBe(0);
});
