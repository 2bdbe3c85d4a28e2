// Which files an EDR may fetch from which hosts: the policy's edrCollection.allow. Paths are
// normalised before matching (separators, ".", "..", and on Windows case, trailing dots and
// spaces, 8.3 short names, streams, device and UNC prefixes refused), so a path cannot reach
// outside a pattern by spelling. No allow-list means nothing is fetched. Pure: no I/O.

import { globMatch, pathGlobMatch } from './text-scan';

export interface EdrAllowList {
  /** Globs over absolute paths: "*" within one segment, "**" across segments, "?" one character. */
  paths: string[];
  /** Host ids as the EDR knows them; "*" matches any run of characters. */
  hosts: string[];
}

export interface NormalisedPath {
  /** The path as it is fetched: resolved, with the platform's separator. */
  canonical: string;
  /** The form patterns are matched against: "/" separators, lower case on Windows. */
  matchable: string;
  windows: boolean;
}

const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;

/** The resolved path, or a reason it is refused. */
export function normaliseEdrPath(path: string): NormalisedPath | { refused: string } {
  if (/[\0\r\n]/.test(path)) return { refused: 'control characters' };
  const windows = WINDOWS_DRIVE.test(path) || path.includes('\\');
  if (windows && !WINDOWS_DRIVE.test(path))
    return { refused: 'a Windows path must start with a drive letter (no UNC, device or relative paths)' };
  if (!windows && !path.startsWith('/')) return { refused: 'the path must be absolute' };
  const [root, rest] = windows ? [path.slice(0, 2).toUpperCase(), path.slice(3)] : ['', path.slice(1)];
  const out: string[] = [];
  for (const seg of rest.split(windows ? /[\\/]+/ : /\/+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return { refused: '".." above the root' };
      out.pop();
      continue;
    }
    if (windows) {
      if (/[:*?"<>|%]/.test(seg)) return { refused: `"${seg}": streams, wildcards and variables are not paths` };
      if (/[. ]$/.test(seg)) return { refused: `"${seg}": Windows drops trailing dots and spaces` };
      if (/~\d/.test(seg)) return { refused: `"${seg}": 8.3 short names are ambiguous` };
    }
    out.push(seg);
  }
  if (!out.length) return { refused: 'the path names no file' };
  const canonical = windows ? `${root}\\${out.join('\\')}` : `/${out.join('/')}`;
  const matchable = windows ? `${root}/${out.join('/')}`.toLowerCase() : canonical;
  return { canonical, matchable, windows };
}

/** Whether a path matches a policy glob (Windows globs compare case-insensitively with "/" separators). */
function pathMatchesGlob(glob: string, windows: boolean, path: string): boolean {
  return pathGlobMatch(windows ? glob.replace(/\\/g, '/').toLowerCase() : glob, path);
}

const patternIsWindows = (p: string) => WINDOWS_DRIVE.test(p) || p.includes('\\');

/** Why the fetch is refused, or undefined when both the host and the path are allowed. */
export function edrFetchRefusal(allow: EdrAllowList | undefined, hostId: string, path: string): string | undefined {
  if (!allow) return 'the policy has no edrCollection.allow list: nothing may be fetched';
  const host = hostId.toLowerCase();
  if (!allow.hosts.some((h) => globMatch(h.toLowerCase(), host))) {
    return `host ${hostId} is not in edrCollection.allow.hosts`;
  }
  const n = normaliseEdrPath(path);
  if ('refused' in n) return `path refused: ${n.refused}`;
  const ok = allow.paths.some((p) => patternIsWindows(p) === n.windows && pathMatchesGlob(p, n.windows, n.matchable));
  return ok ? undefined : `path ${n.canonical} is not in edrCollection.allow.paths`;
}
