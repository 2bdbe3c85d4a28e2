// The powershell.exe / pwsh command line: which script it runs and how it was started.
// Handles cmd.exe wrappers (`cmd /c "powershell ..."`, caret escapes), the parameter
// abbreviations powershell.exe accepts (-e, -ec, -enc, -EncodedCommand; -w h; -ep bypass ...),
// and decodes -EncodedCommand (base64 of UTF-16LE) before anything is parsed.
import { linearRegex } from '../../domain/linear-regex';

export interface LaunchFlags {
  /** -EncodedCommand was used. */
  encoded: boolean;
  hidden: boolean;
  policyBypass: boolean;
  noProfile: boolean;
  nonInteractive: boolean;
}

export interface Launch {
  /** A powershell.exe / pwsh invocation was found in the command line. */
  launcher: boolean;
  /** The PowerShell source to analyse (the decoded -EncodedCommand, the -Command text, or the line itself). */
  script: string;
  /** How the script was given. */
  via: 'encoded' | 'command' | 'file' | 'script' | 'none';
  flags: LaunchFlags;
  /** Problems met on the way (invalid base64, odd byte count, ...). */
  problems: string[];
}

const LAUNCHER = /(?:^|[\s"'(\\/&|;,=@>])((?:powershell|pwsh)(?:_ise)?(?:\.exe)?)(?=$|[\s"',;)&|<>])/i;

const CMD_WRAPPER = /^\s*["']?(?:[^\s"']*[\\/])?c\^?m\^?d(?:\.exe)?["']?\s+(?:\/[a-z](?::\w+)?\s+)*\/[ckr]\b/i;
// Linear engine: the optional cmd and path parts can backtrack against each other in V8.
const LAUNCH_PREFIX = linearRegex(
  /^\s*(?:["']?[^\s"']*cmd(?:\.exe)?["']?\s+(?:\/[a-z](?::\w+)?\s+)*\/[ckr]\s*["']?\s*)?(?:start\s+(?:\/\w+\s+|""\s+)*)?(?:"[^"]*[\\/]|'[^']*[\\/]|["']?(?:[a-z]:)?[^\s"'|&;]*[\\/]|["'])?$/i,
);

/** Splits arguments the way the Windows C runtime does (quotes group, `\"` is a quote). */
export function splitWindowsArgs(text: string, max = 10_000): string[] {
  const args: string[] = [];
  let cur = '';
  let inQuotes = false;
  let has = false;
  for (let i = 0; i < text.length && args.length < max; i++) {
    const c = text[i];
    if (c === '\\') {
      let n = 0;
      while (text[i + n] === '\\') n++;
      if (text[i + n] === '"') {
        cur += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) {
          cur += '"';
          i += n;
          has = true;
          continue;
        }
        i += n - 1;
        continue;
      }
      cur += '\\'.repeat(n);
      i += n - 1;
      has = true;
      continue;
    }
    if (c === '"') {
      if (inQuotes && text[i + 1] === '"') {
        cur += '"';
        i++;
        continue;
      }
      inQuotes = !inQuotes;
      has = true;
      continue;
    }
    if (!inQuotes && /\s/.test(c)) {
      if (has) {
        args.push(cur);
        cur = '';
        has = false;
      }
      continue;
    }
    cur += c;
    has = true;
  }
  if (has && args.length < max) args.push(cur);
  return args;
}

/** cmd.exe removes `^` escapes outside double quotes. */
function stripCarets(text: string): string {
  let out = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    if (c === '^' && !inQuotes && i + 1 < text.length) {
      out += text[++i];
      continue;
    }
    out += c;
  }
  return out;
}

type Param = 'encoded' | 'command' | 'file' | 'policy' | 'window' | 'noprofile' | 'noninteractive' | 'switch' | 'valued';

// Each powershell.exe parameter and the shortest prefix it accepts (pwsh accepts the same forms).
const PARAMS: [string, number, Param][] = [
  ['encodedcommand', 1, 'encoded'],
  ['ec', 2, 'encoded'],
  ['encodedarguments', 8, 'valued'],
  ['ea', 2, 'valued'],
  ['command', 1, 'command'],
  ['file', 1, 'file'],
  ['executionpolicy', 2, 'policy'],
  ['ep', 2, 'policy'],
  ['windowstyle', 1, 'window'],
  ['noprofile', 3, 'noprofile'],
  ['noninteractive', 4, 'noninteractive'],
  ['nologo', 3, 'switch'],
  ['noexit', 3, 'switch'],
  ['sta', 1, 'switch'],
  ['mta', 1, 'switch'],
  ['help', 1, 'switch'],
  ['version', 1, 'valued'],
  ['inputformat', 2, 'valued'],
  ['if', 2, 'valued'],
  ['outputformat', 1, 'valued'],
  ['of', 2, 'valued'],
  ['configurationname', 4, 'valued'],
  ['psconsolefile', 2, 'valued'],
  ['workingdirectory', 2, 'valued'],
  ['wd', 2, 'valued'],
  ['settingsfile', 2, 'valued'],
  ['custompipename', 2, 'valued'],
  ['login', 1, 'switch'],
  ['interactive', 1, 'switch'],
];

function classify(arg: string): Param | undefined {
  if (!/^[-/\u2013\u2014]/.test(arg)) return undefined;
  // `-Name:value` → `name` (an indexOf: /:.*$/ rescans the rest of the line from every colon).
  const bare = arg.slice(1).toLowerCase();
  const colon = bare.indexOf(':');
  const name = colon < 0 ? bare : bare.slice(0, colon);
  if (!name) return undefined;
  // `-e` is EncodedCommand for powershell.exe even though -ExecutionPolicy also starts with e.
  if (name === 'e' || name === 'en' || name === 'enc') return 'encoded';
  for (const [full, min, kind] of PARAMS) if (name.length >= min && full.startsWith(name)) return kind;
  return undefined;
}

/** Decodes PowerShell's -EncodedCommand payload: base64 of UTF-16LE text. */
export function decodeEncodedCommand(b64: string, problems: string[]): string | undefined {
  const cleaned = b64.replace(/\s+/g, '').replace(/^["']|["']$/g, '');
  if (!cleaned) {
    problems.push('empty -EncodedCommand value');
    return undefined;
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(cleaned)) {
    problems.push('-EncodedCommand value is not base64');
    return undefined;
  }
  const bytes = Buffer.from(cleaned.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length === 0) {
    problems.push('-EncodedCommand decodes to nothing');
    return undefined;
  }
  if (bytes.length % 2 === 1) problems.push('-EncodedCommand has an odd byte count (last byte dropped)');
  const text = bytes.subarray(0, bytes.length - (bytes.length % 2)).toString('utf16le');
  if (!looksLikeText(text)) {
    // Some tools base64 the UTF-8 text instead; powershell.exe would fail, but the intent shows.
    const utf8 = bytes.toString('utf8');
    if (looksLikeText(utf8)) {
      problems.push('-EncodedCommand holds UTF-8, not UTF-16LE text');
      return utf8;
    }
    problems.push('-EncodedCommand does not decode to text');
    return undefined;
  }
  return text;
}

/**
 * Printable text, mostly ASCII: the decoding was right. (Random bytes read as UTF-16 give
 * printable CJK; PowerShell code is overwhelmingly ASCII even when its strings are not.)
 */
export function looksLikeText(s: string): boolean {
  if (!s) return false;
  let printable = 0;
  let ascii = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const isAscii = c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127);
    if (isAscii) ascii++;
    if (isAscii || (c >= 160 && c < 0xfffd && !(c >= 0xd800 && c < 0xe000))) printable++;
  }
  return printable / s.length >= 0.9 && ascii / s.length >= 0.6;
}

/** Finds the PowerShell script a command line runs, decoding -EncodedCommand. */
export function parseLaunch(line: string): Launch {
  let commandLine = line;
  const flags: LaunchFlags = { encoded: false, hidden: false, policyBypass: false, noProfile: false, nonInteractive: false };
  const problems: string[] = [];
  // cmd.exe drops `^` escapes before powershell.exe ever sees the line (c^md /c p^owershell -e^nc ...).
  if (CMD_WRAPPER.test(commandLine)) commandLine = stripCarets(commandLine);
  const m = LAUNCHER.exec(commandLine);
  // Only a launcher that starts the line (after a path, a cmd /c or start wrapper) owns it; a
  // powershell call in the middle of a script is left for the script rewrite to unwrap.
  if (!m || !LAUNCH_PREFIX.test(commandLine.slice(0, m.index + m[0].length - m[1].length)))
    return { launcher: false, script: commandLine, via: 'script', flags, problems };

  let rest = commandLine.slice(m.index + m[0].length);
  // The closing quote of a quoted path ("C:\...\powershell.exe") is not the start of an argument.
  const prefix = commandLine.slice(0, m.index + m[0].length - m[1].length);
  if (/^["']/.test(rest) && (prefix.split(rest[0]).length - 1) % 2 === 1) rest = rest.slice(1);
  const args = splitWindowsArgs(rest);
  let via: Launch['via'] = 'none';
  let script = '';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const kind = classify(arg);
    const value = () => (arg.includes(':') && /^[-/][a-z]+:/i.test(arg) ? arg.slice(arg.indexOf(':') + 1) : (args[++i] ?? ''));
    if (kind === 'encoded') {
      flags.encoded = true;
      const decoded = decodeEncodedCommand(value(), problems);
      if (decoded !== undefined) {
        script = decoded;
        via = 'encoded';
      }
      break;
    }
    if (kind === 'command') {
      script = args.slice(i + 1).join(' ');
      via = 'command';
      break;
    }
    if (kind === 'file') {
      script = args.slice(i + 1).join(' ');
      via = 'file';
      break;
    }
    if (kind === 'policy') {
      if (/^(?:bypass|unrestricted)$/i.test(value())) flags.policyBypass = true;
      continue;
    }
    if (kind === 'window') {
      if (/^(?:h|hi|hid|hidd|hidde|hidden|1)$/i.test(value())) flags.hidden = true;
      continue;
    }
    if (kind === 'noprofile') {
      flags.noProfile = true;
      continue;
    }
    if (kind === 'noninteractive') {
      flags.nonInteractive = true;
      continue;
    }
    if (kind === 'valued') {
      i++;
      continue;
    }
    if (kind === 'switch') continue;
    // The first bare word starts the command (powershell.exe's default is -Command).
    script = args.slice(i).join(' ');
    via = /\.ps1["']?$/i.test(arg) ? 'file' : 'command';
    break;
  }
  // `-Command "& {...}"` and a quoted whole script keep their quotes inside one argument.
  return { launcher: true, script: via === 'file' ? '' : script, via, flags, problems };
}
