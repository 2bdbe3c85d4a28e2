// Web-shell writes (ATT&CK T1505.003): a server-side script (.php, .jsp, .aspx, ...) written into
// a web server's content by the web server itself, or into a folder a web application serves
// uploads or media from. Legitimate deployments write scripts from a deploy tool, package
// manager or CI account, and upload folders hold images and documents, never code (OWASP
// "Unrestricted File Upload"; SigmaHQ file_event_win_webshell_creation_detect and
// file_event_lnx_webshell_creation). Structured fields only (the file's path and the writing
// process); bounded work per alert.
import type { Alert } from '../domain/alert';
import type { Finding } from '../domain/finding';
import { combineScores, type Signal } from './url';

export const WEB_SHELL_ANALYZER = 'web-shell';

type FileObs = Alert['observables']['files'][number];
type Proc = Alert['observables']['processes'][number];

const MAX_FILES = 100;
const MAX_PATH_CHARS = 4096;

/** Extensions a web server executes as code (PHP, Java Server Pages, ASP/ASP.NET, ColdFusion). */
const SERVER_SCRIPT = /\.(?:php\d?|phtml|phar|pht|inc\.php|jspx?|jspf|aspx?|ashx|asmx|asax|axd|cshtml|cfml?|cgi)$/i;
/** Folders a web server serves content from (Unix, IIS, Tomcat, XAMPP, Exchange's OWA/ECP front end). */
const WEB_ROOT =
  /(?:^|[\\/])(?:var[\\/]www|srv[\\/]www|htdocs|public_html|wwwroot|inetpub|webapps|usr[\\/]share[\\/]nginx[\\/]html|frontend[\\/]httpproxy|clientaccess[\\/](?:owa|ecp))(?:[\\/]|$)/i;
/** Folders a web application stores user uploads or media in: they hold data, never code. */
const UPLOAD_DIR = /[\\/](?:wp-content[\\/]uploads|uploads?|upload_files|user_?files|media|images?|img|attachments?|files)[\\/]/i;
/** Processes that are a web or application server (the writer a web shell drops through). */
const WEB_SERVER =
  /^(?:w3wp|httpd2?|apache2?|nginx|lighttpd|caddy|php(?:-fpm)?[\d.]*|php-cgi[\d.]*|php-fpm[\d.]*|tomcat\d*w?|tomcat\d*|catalina|jboss|wildfly|weblogic|jetty|umbraco|iisexpress)(?:\.exe)?$/i;
/** `java` only counts as a web server when its path names a servlet container. */
const JAVA_CONTAINER = /tomcat|catalina|jboss|wildfly|weblogic|jetty|websphere/i;

const baseName = (p: string) => p.replace(/^.*[\\/]/, '');

function isWebServer(p: Proc): string | undefined {
  const image = baseName(p.path ?? p.name ?? '').toLowerCase();
  if (!image) return undefined;
  if (WEB_SERVER.test(image)) return image;
  if (/^javaw?(?:\.exe)?$/.test(image) && JAVA_CONTAINER.test(`${p.path ?? ''} ${p.commandLine?.slice(0, 2048) ?? ''}`))
    return `${image} (servlet container)`;
  return undefined;
}

function fileSignals(file: FileObs, writer: string | undefined): Signal[] {
  const path = (file.path ?? file.name ?? '').slice(0, MAX_PATH_CHARS);
  if (!SERVER_SCRIPT.test(path)) return [];
  const inWebRoot = WEB_ROOT.test(path);
  const out: Signal[] = [];
  if (inWebRoot && UPLOAD_DIR.test(path)) {
    out.push({
      id: 'script-in-upload-folder',
      score: 75,
      what: `server-side script in a web upload/media folder: ${path}`,
      attack: ['T1505.003'],
    });
  }
  if (writer && (inWebRoot || !file.path)) {
    // Weaker alone: CMS self-updates (WordPress FS_METHOD direct) also write scripts as the web server.
    out.push({
      id: 'web-server-wrote-script',
      score: 60,
      what: `the web server process ${writer} wrote the server-side script ${path}`,
      attack: ['T1505.003', 'T1190'],
    });
  }
  return out;
}

/** Judge the alert's file events: was a server-side script dropped through the web server? */
export function analyzeWebShellWrites(files: FileObs[], processes: Proc[]): Finding {
  const scripts = files.slice(0, MAX_FILES).filter((f) => SERVER_SCRIPT.test((f.path ?? f.name ?? '').slice(0, MAX_PATH_CHARS)));
  if (scripts.length === 0) {
    return {
      analyzer: WEB_SHELL_ANALYZER,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'no server-side script files',
      evidence: [],
      attack: [],
    };
  }
  // The writer: the alert's own process (file events carry the process that wrote the file).
  const writer = processes.slice(0, MAX_FILES).map(isWebServer).find(Boolean);
  const signals = scripts.flatMap((f) => fileSignals(f, writer));
  const unique = [...new Map(signals.map((s) => [s.what, s])).values()].sort((a, b) => b.score - a.score);
  const score = combineScores(unique.map((s) => s.score));
  return {
    analyzer: WEB_SHELL_ANALYZER,
    verdict: score >= 70 ? 'malicious' : score >= 35 ? 'suspicious' : 'unknown',
    score,
    confidence: unique.length ? 0.75 : 0.3,
    summary: unique.length
      ? `server-side script written as a web shell would be: ${[...new Set(unique.map((s) => s.id))].join(', ')}`
      : `${scripts.length} server-side script(s), outside upload folders and not written by a web server`,
    evidence: unique.map((s) => s.what).slice(0, 20),
    attack: [...new Set(unique.flatMap((s) => s.attack))].sort(),
  };
}
