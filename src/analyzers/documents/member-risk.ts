// How risky a file inside a container looks from its name and first bytes: the delivery
// tricks of phishing attachments (executables and scripts in archives, double extensions,
// right-to-left override in names, disk images and shortcuts that dodge Mark-of-the-Web).
// ATT&CK: T1566.001 spearphishing attachment, T1204.002 malicious file, T1036.007 double
// file extension, T1036.002 right-to-left override, T1036.008 masquerade file type,
// T1553.005 Mark-of-the-Web bypass (ISO/IMG/VHD), T1218.001 compiled HTML, T1218.005 mshta.

export interface RiskFlag {
  id: string;
  what: string;
  score: number;
  attack: string[];
}

const EXECUTABLE_EXT = new Set([
  'exe',
  'scr',
  'com',
  'pif',
  'cpl',
  'dll',
  'msi',
  'msp',
  'msc',
  'jar',
  'appx',
  'msix',
  'appref-ms',
  'gadget',
  'xll',
  'sys',
  'drv',
  'ocx',
]);
const SCRIPT_EXT = new Set([
  'js',
  'jse',
  'vbs',
  'vbe',
  'wsf',
  'wsh',
  'wsc',
  'ps1',
  'psm1',
  'psd1',
  'bat',
  'cmd',
  'sct',
  'hta',
  'reg',
  'inf',
  'vba',
  'a3x',
  'au3',
  'ahk',
]);
const SHORTCUT_EXT = new Set(['lnk', 'url', 'scf', 'website', 'library-ms', 'settingcontent-ms', 'searchconnector-ms']);
const DISK_IMAGE_EXT = new Set(['iso', 'img', 'vhd', 'vhdx', 'udf']);
const MACRO_DOC_EXT = new Set([
  'doc',
  'dot',
  'docm',
  'dotm',
  'xls',
  'xlt',
  'xlsm',
  'xltm',
  'xlsb',
  'xlam',
  'xla',
  'ppt',
  'pptm',
  'potm',
  'ppsm',
  'ppam',
  'pps',
  'rtf',
  'one',
  'onepkg',
]);
const HTML_EXT = new Set(['htm', 'html', 'shtml', 'xhtml', 'svg', 'mht', 'mhtml']);
/** Extensions a lure pretends to be, before the real one (invoice.pdf.exe). */
const DECOY_EXT = new Set([
  'pdf',
  'doc',
  'docx',
  'xls',
  'xlsx',
  'ppt',
  'pptx',
  'txt',
  'rtf',
  'jpg',
  'jpeg',
  'png',
  'gif',
  'bmp',
  'mp3',
  'mp4',
  'avi',
  'zip',
  'rar',
  'csv',
  'htm',
  'html',
  'odt',
  'wav',
]);

export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0
    ? base
        .slice(dot + 1)
        .trim()
        .toLowerCase()
    : '';
}

function startsWithBytes(head: Uint8Array, magic: number[], at = 0): boolean {
  return head.length >= at + magic.length && magic.every((b, i) => head[at + i] === b);
}

/** What the first bytes say the file is, for the kinds that matter here. */
export function sniffKind(head: Uint8Array): 'pe' | 'elf' | 'macho' | 'lnk' | 'iso' | 'cfb' | 'zip' | 'pdf' | 'gzip' | undefined {
  if (startsWithBytes(head, [0x4d, 0x5a])) return 'pe';
  if (startsWithBytes(head, [0x7f, 0x45, 0x4c, 0x46])) return 'elf';
  if (
    startsWithBytes(head, [0xcf, 0xfa, 0xed, 0xfe]) ||
    startsWithBytes(head, [0xce, 0xfa, 0xed, 0xfe]) ||
    startsWithBytes(head, [0xfe, 0xed, 0xfa, 0xcf])
  )
    return 'macho';
  if (startsWithBytes(head, [0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00])) return 'lnk';
  if (startsWithBytes(head, [0x43, 0x44, 0x30, 0x30, 0x31], 0x8001)) return 'iso';
  if (startsWithBytes(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'cfb';
  if (startsWithBytes(head, [0x50, 0x4b, 0x03, 0x04]) || startsWithBytes(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWithBytes(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWithBytes(head, [0x1f, 0x8b])) return 'gzip';
  return undefined;
}

/** Risk flags for one member, from its name and (when extracted) its first bytes. */
export function assessMember(name: string, head?: Uint8Array): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const base = name.split(/[\\/]/).pop() ?? name;
  const ext = extensionOf(base);
  const kind = head ? sniffKind(head) : undefined;
  const delivered = ['T1566.001', 'T1204.002'];

  if (/[\u202e\u202d\u200f]/.test(base)) {
    flags.push({
      id: 'rtlo-name',
      what: `name hides its real extension with a right-to-left override: ${JSON.stringify(base)}`,
      score: 85,
      attack: ['T1036.002'],
    });
  }
  const double = /\.([a-z0-9]{2,4})[\s._-]*\.([a-z0-9-]{2,20})$/i.exec(base);
  if (double && DECOY_EXT.has(double[1].toLowerCase()) && (EXECUTABLE_EXT.has(ext) || SCRIPT_EXT.has(ext) || SHORTCUT_EXT.has(ext))) {
    flags.push({ id: 'double-extension', what: `double extension: ${base}`, score: 80, attack: ['T1036.007', ...delivered] });
  }
  if (EXECUTABLE_EXT.has(ext) || kind === 'pe' || kind === 'elf' || kind === 'macho') {
    flags.push({ id: 'executable', what: `executable: ${base}`, score: 60, attack: delivered });
    if ((kind === 'pe' || kind === 'elf' || kind === 'macho') && ext && !EXECUTABLE_EXT.has(ext)) {
      flags.push({
        id: 'disguised-executable',
        what: `${kind.toUpperCase()} executable named as .${ext}: ${base}`,
        score: 75,
        attack: ['T1036.008'],
      });
    }
  }
  if (SCRIPT_EXT.has(ext)) {
    const attack = ext === 'hta' ? ['T1218.005', ...delivered] : delivered;
    flags.push({ id: 'script', what: `script: ${base}`, score: 60, attack });
  }
  if (SHORTCUT_EXT.has(ext) || kind === 'lnk') flags.push({ id: 'shortcut', what: `shortcut: ${base}`, score: 60, attack: delivered });
  if (DISK_IMAGE_EXT.has(ext) || kind === 'iso')
    flags.push({ id: 'disk-image', what: `disk image: ${base}`, score: 55, attack: ['T1553.005', ...delivered] });
  if (ext === 'chm')
    flags.push({ id: 'compiled-html', what: `compiled HTML help: ${base}`, score: 55, attack: ['T1218.001', ...delivered] });
  if (MACRO_DOC_EXT.has(ext)) flags.push({ id: 'macro-capable-document', what: `macro-capable document: ${base}`, score: 25, attack: [] });
  if (HTML_EXT.has(ext))
    flags.push({ id: 'html', what: `HTML/SVG page (phishing form or smuggling): ${base}`, score: 30, attack: ['T1566.001'] });
  return flags;
}
