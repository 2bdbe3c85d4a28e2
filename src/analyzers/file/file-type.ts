// File type by magic bytes: a small table of the formats a SOC meets as attachments and
// payloads. Our own table instead of file-type@21 (ESM-only, and jest's vm sandbox rejects the
// dynamic import() a commonjs project would need). Offsets follow the format specifications.
import { asBuffer, Reader } from './bytes';

export type FileCategory =
  'executable' | 'script' | 'shortcut' | 'document' | 'archive' | 'disk-image' | 'image' | 'web' | 'text' | 'media' | 'data' | 'empty';

export interface FileType {
  id: string;
  description: string;
  mime: string;
  category: FileCategory;
  /** Extensions this content legitimately carries (lower case, no dot). */
  extensions: readonly string[];
}

const t = (id: string, description: string, mime: string, category: FileCategory, extensions: string[]): FileType => ({
  id,
  description,
  mime,
  category,
  extensions,
});

const PE_EXTENSIONS = [
  'exe',
  'dll',
  'sys',
  'scr',
  'cpl',
  'ocx',
  'drv',
  'com',
  'efi',
  'node',
  'mui',
  'tlb',
  'ax',
  'pyd',
  'xll',
  'wll',
  'acm',
  'tsp',
  'winmd',
  'mun',
  'pif',
];
const ZIP_FAMILY = [
  'zip',
  'docx',
  'docm',
  'dotx',
  'dotm',
  'xlsx',
  'xlsm',
  'xltx',
  'xltm',
  'xlam',
  'pptx',
  'pptm',
  'ppsx',
  'ppsm',
  'potx',
  'potm',
  'ppam',
  'jar',
  'war',
  'ear',
  'apk',
  'aab',
  'xapk',
  'odt',
  'ods',
  'odp',
  'odg',
  'appx',
  'msix',
  'appxbundle',
  'msixbundle',
  'vsix',
  'nupkg',
  'whl',
  'epub',
  'kmz',
  'xpi',
  'crx',
];
const OLE_EXTENSIONS = [
  'doc',
  'dot',
  'xls',
  'xlt',
  'xla',
  'ppt',
  'pps',
  'pot',
  'msi',
  'msp',
  'msg',
  'pub',
  'vsd',
  'mpp',
  'wps',
  'xlw',
  'ole',
];

export const TYPES = {
  empty: t('empty', 'empty file', 'application/x-empty', 'empty', []),
  data: t('data', 'unrecognized binary data', 'application/octet-stream', 'data', []),
  pe: t('pe', 'Windows PE executable', 'application/vnd.microsoft.portable-executable', 'executable', PE_EXTENSIONS),
  dosMz: t('dos-mz', 'MZ executable without a valid PE header (MS-DOS program or damaged PE)', 'application/x-dosexec', 'executable', [
    ...PE_EXTENSIONS,
    'bin',
  ]),
  elf: t('elf', 'ELF executable', 'application/x-elf', 'executable', [
    '',
    'so',
    'o',
    'ko',
    'elf',
    'bin',
    'out',
    'axf',
    'prx',
    'mod',
    'node',
  ]),
  macho: t('macho', 'Mach-O executable', 'application/x-mach-binary', 'executable', ['', 'dylib', 'bundle', 'so', 'o', 'node']),
  machoFat: t('macho-fat', 'Mach-O universal binary', 'application/x-mach-binary', 'executable', ['', 'dylib', 'bundle', 'so', 'node']),
  javaClass: t('java-class', 'Java class file', 'application/java-vm', 'executable', ['class']),
  script: t('script', 'script with #! interpreter line', 'text/x-script', 'script', [
    '',
    'sh',
    'bash',
    'zsh',
    'ksh',
    'csh',
    'py',
    'pl',
    'rb',
    'php',
    'js',
    'mjs',
    'cjs',
    'lua',
    'tcl',
    'awk',
    'run',
    'command',
    'ps1',
    'txt',
  ]),
  pdf: t('pdf', 'PDF document', 'application/pdf', 'document', ['pdf', 'ai']),
  rtf: t('rtf', 'RTF document', 'application/rtf', 'document', ['rtf', 'doc', 'wri']),
  ole: t('ole', 'OLE compound file', 'application/x-ole-storage', 'document', OLE_EXTENSIONS),
  zip: t('zip', 'ZIP archive', 'application/zip', 'archive', ZIP_FAMILY),
  docx: t('docx', 'Word document (OOXML)', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document', [
    'docx',
    'docm',
    'dotx',
    'dotm',
    'zip',
  ]),
  xlsx: t('xlsx', 'Excel workbook (OOXML)', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'document', [
    'xlsx',
    'xlsm',
    'xltx',
    'xltm',
    'xlam',
    'zip',
  ]),
  pptx: t(
    'pptx',
    'PowerPoint presentation (OOXML)',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'document',
    ['pptx', 'pptm', 'ppsx', 'ppsm', 'potx', 'potm', 'ppam', 'zip'],
  ),
  odf: t('odf', 'OpenDocument file', 'application/vnd.oasis.opendocument', 'document', ['odt', 'ods', 'odp', 'odg', 'ott', 'zip']),
  jar: t('jar', 'Java archive (JAR)', 'application/java-archive', 'executable', ['jar', 'war', 'ear', 'zip']),
  apk: t('apk', 'Android package (APK)', 'application/vnd.android.package-archive', 'executable', ['apk', 'aab', 'xapk', 'zip']),
  appx: t('appx', 'Windows app package (APPX/MSIX)', 'application/vnd.ms-appx', 'executable', [
    'appx',
    'msix',
    'appxbundle',
    'msixbundle',
    'zip',
  ]),
  rar: t('rar', 'RAR archive', 'application/vnd.rar', 'archive', ['rar', 'r00', 'cbr']),
  sevenZip: t('7z', '7-Zip archive', 'application/x-7z-compressed', 'archive', ['7z']),
  gzip: t('gzip', 'gzip compressed data', 'application/gzip', 'archive', ['gz', 'tgz', 'gzip', 'svgz']),
  bzip2: t('bzip2', 'bzip2 compressed data', 'application/x-bzip2', 'archive', ['bz2', 'tbz', 'tbz2']),
  xz: t('xz', 'xz compressed data', 'application/x-xz', 'archive', ['xz', 'txz']),
  cab: t('cab', 'Microsoft Cabinet archive', 'application/vnd.ms-cab-compressed', 'archive', ['cab', 'msu']),
  iso: t('iso', 'ISO 9660 / UDF disk image', 'application/x-iso9660-image', 'disk-image', ['iso', 'img', 'udf']),
  lnk: t('lnk', 'Windows shortcut (LNK)', 'application/x-ms-shortcut', 'shortcut', ['lnk']),
  html: t('html', 'HTML document', 'text/html', 'web', [
    'html',
    'htm',
    'xhtml',
    'hta',
    'mht',
    'mhtml',
    'shtml',
    'php',
    'asp',
    'aspx',
    'jsp',
    'txt',
  ]),
  svg: t('svg', 'SVG image (XML, may carry script)', 'image/svg+xml', 'web', ['svg', 'svgz', 'xml']),
  xml: t('xml', 'XML document', 'application/xml', 'text', [
    'xml',
    'xsl',
    'xslt',
    'config',
    'manifest',
    'plist',
    'rss',
    'xaml',
    'csproj',
    'vbproj',
    'wsf',
    'sct',
    'txt',
  ]),
  png: t('png', 'PNG image', 'image/png', 'image', ['png']),
  jpeg: t('jpeg', 'JPEG image', 'image/jpeg', 'image', ['jpg', 'jpeg', 'jpe', 'jfif']),
  gif: t('gif', 'GIF image', 'image/gif', 'image', ['gif']),
  // Last: the fallback owner of extensions that only say "some text".
  text: t('text', 'text', 'text/plain', 'text', [
    'txt',
    'log',
    'csv',
    'md',
    'json',
    'ini',
    'cfg',
    'conf',
    'yaml',
    'yml',
    'ps1',
    'psm1',
    'bat',
    'cmd',
    'vbs',
    'vbe',
    'js',
    'jse',
    'wsf',
    'sh',
    'py',
    'pl',
    'rb',
    'php',
    'reg',
    'inf',
    'sql',
    'xml',
    'eml',
    'hta',
    'html',
    'htm',
    'svg',
    'rtf',
    'url',
    'iqy',
    'sct',
  ]),
} as const satisfies Record<string, FileType>;

/** Extensions of formats we do not detect by content, so a name alone still says what it claims to be. */
const EXTRA_EXTENSION_CATEGORIES: Record<string, FileCategory> = {
  bmp: 'image',
  ico: 'image',
  tif: 'image',
  tiff: 'image',
  webp: 'image',
  heic: 'image',
  mp3: 'media',
  mp4: 'media',
  wav: 'media',
  avi: 'media',
  mov: 'media',
  mkv: 'media',
  wmv: 'media',
  flac: 'media',
  ogg: 'media',
  xps: 'document',
  oxps: 'document',
  one: 'document',
  pages: 'document',
  numbers: 'document',
  key: 'document',
  ps1: 'script',
  psm1: 'script',
  bat: 'script',
  cmd: 'script',
  vbs: 'script',
  vbe: 'script',
  js: 'script',
  jse: 'script',
  wsf: 'script',
  wsh: 'script',
  hta: 'script',
  txt: 'text',
  xml: 'text',
  log: 'text',
  csv: 'text',
  json: 'text',
  zip: 'archive',
  bin: 'data',
  dat: 'data',
  tmp: 'data',
  msi: 'executable',
  url: 'shortcut',
  vhd: 'disk-image',
  vhdx: 'disk-image',
  dmg: 'disk-image',
};

const EXTENSION_CATEGORIES: Map<string, FileCategory> = (() => {
  const m = new Map<string, FileCategory>(Object.entries(EXTRA_EXTENSION_CATEGORIES));
  // TYPES is ordered specific-first, so a shared extension ("doc", "zip", "txt") maps to its owner.
  for (const ty of Object.values(TYPES)) for (const ext of ty.extensions) if (ext && !m.has(ext)) m.set(ext, ty.category);
  return m;
})();

/** What a file name claims by its extension: the category of the format that owns it. */
export function extensionCategory(ext: string): FileCategory | undefined {
  return EXTENSION_CATEGORIES.get(ext);
}

export function fileExtension(name: string | undefined): string {
  if (!name) return '';
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot <= 0
    ? ''
    : base
        .slice(dot + 1)
        .trim()
        .toLowerCase();
}

const startsWith = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const LNK_MAGIC = [0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46];
const MSI_CLSID = Buffer.from([0x84, 0x10, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46]);

export function detectFileType(bytes: Uint8Array): FileType {
  const b = bytes;
  if (b.length === 0) return TYPES.empty;
  if (startsWith(b, [0x4d, 0x5a])) return peOrMz(b);
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return TYPES.elf;
  const macho = machO(b);
  if (macho) return macho;
  if (startsWith(b, OLE_MAGIC)) return oleSubtype(b);
  if (startsWith(b, ascii('PK')) && (startsWith(b, [3, 4], 2) || startsWith(b, [5, 6], 2) || startsWith(b, [7, 8], 2)))
    return zipSubtype(b);
  if (startsWith(b, ascii('Rar!\x1a\x07'))) return TYPES.rar;
  if (startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return TYPES.sevenZip;
  if (startsWith(b, [0x1f, 0x8b])) return TYPES.gzip;
  if (startsWith(b, ascii('BZh'))) return TYPES.bzip2;
  if (startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return TYPES.xz;
  if (startsWith(b, ascii('MSCF\0\0\0\0'))) return TYPES.cab;
  if (startsWith(b, LNK_MAGIC)) return TYPES.lnk;
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return TYPES.png;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return TYPES.jpeg;
  if (startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a'))) return TYPES.gif;
  // Word opens "{\rt" as RTF, and malicious RTF often drops the rest of the keyword.
  if (startsWith(b, ascii('{\\rt'))) return TYPES.rtf;
  if (
    startsWith(b, ascii('CD001'), 0x8001) ||
    startsWith(b, ascii('CD001'), 0x8801) ||
    startsWith(b, ascii('CD001'), 0x9001) ||
    startsWith(b, ascii('BEA01'), 0x8001)
  )
    return TYPES.iso;
  // Readers accept the PDF header anywhere in the first kilobyte; droppers prepend junk to evade.
  if (asBuffer(b.subarray(0, 1024)).indexOf('%PDF-') >= 0) return TYPES.pdf;
  if (startsWith(b, ascii('#!'))) return script(b);
  return markupOrText(b);
}

function peOrMz(b: Uint8Array): FileType {
  const r = new Reader(b);
  if (!r.has(0x3c, 4)) return TYPES.dosMz;
  const lfanew = r.u32(0x3c);
  if (r.has(lfanew, 4) && r.u32(lfanew) === 0x00004550) return TYPES.pe;
  return TYPES.dosMz;
}

function machO(b: Uint8Array): FileType | undefined {
  if (b.length < 8) return undefined;
  const be = new Reader(b, false).u32(0);
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(be)) return TYPES.macho;
  if (be === 0xcafebabe || be === 0xcafebabf) {
    // Java class files share CAFEBABE; their next word is the class version (>= 45), while a
    // universal binary holds a handful of architectures (the rule file(1) uses).
    const n = new Reader(b, false).u32(4);
    return n > 0 && n < 20 ? TYPES.machoFat : TYPES.javaClass;
  }
  return undefined;
}

function utf16(s: string): Buffer {
  return Buffer.from(s, 'utf16le');
}

function oleSubtype(b: Uint8Array): FileType {
  const buf = asBuffer(b);
  // Directory entries carry stream names in UTF-16LE; the MSI root storage has its own CLSID.
  const kind =
    buf.indexOf(utf16('WordDocument')) >= 0
      ? 'Word document'
      : buf.indexOf(utf16('Workbook')) >= 0 || buf.indexOf(utf16('Book\0')) >= 0
        ? 'Excel workbook'
        : buf.indexOf(utf16('PowerPoint Document')) >= 0
          ? 'PowerPoint presentation'
          : buf.indexOf(utf16('__substg1.0_')) >= 0
            ? 'Outlook message'
            : buf.indexOf(MSI_CLSID) >= 0
              ? 'Windows Installer package'
              : undefined;
  return kind ? { ...TYPES.ole, description: `OLE compound file (${kind})` } : TYPES.ole;
}

function zipSubtype(b: Uint8Array): FileType {
  const buf = asBuffer(b);
  const has = (s: string) => buf.indexOf(s, 0, 'latin1') >= 0;
  if (has('AndroidManifest.xml') && has('classes.dex')) return TYPES.apk;
  if (has('AppxManifest.xml') || has('AppxBundleManifest.xml')) return TYPES.appx;
  if (has('[Content_Types].xml')) {
    if (has('word/')) return TYPES.docx;
    if (has('xl/')) return TYPES.xlsx;
    if (has('ppt/')) return TYPES.pptx;
  }
  if (has('mimetypeapplication/vnd.oasis.opendocument')) return TYPES.odf;
  if (has('META-INF/MANIFEST.MF')) return TYPES.jar;
  return TYPES.zip;
}

function script(b: Uint8Array): FileType {
  const line = asBuffer(b.subarray(2, 200)).toString('latin1').split(/\r?\n/)[0].trim();
  const words = line.split(/\s+/);
  const prog =
    (words[0]?.split('/').pop() ?? '') === 'env'
      ? (words.find((w, i) => i > 0 && !w.startsWith('-')) ?? 'env')
      : (words[0]?.split('/').pop() ?? '');
  return { ...TYPES.script, description: `script (#!${line.slice(0, 80)})${prog ? `, ${prog}` : ''}` };
}

function markupOrText(b: Uint8Array): FileType {
  const head = b.subarray(0, 4096);
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return { ...TYPES.text, description: 'text (UTF-16)' };
  let printable = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === 0) return TYPES.data;
    if (c === 9 || c === 10 || c === 13 || (c >= 0x20 && c !== 0x7f)) printable++;
  }
  if (printable < head.length * 0.95) return TYPES.data;
  const start = asBuffer(head)
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .trimStart();
  const lower = start
    .slice(0, 1024)
    .toLowerCase()
    .replace(/^(?:<!--[\s\S]*?-->\s*)+/, '');
  if (/^<(?:!doctype\s+html|html|head|body|script|iframe|meta|title|style|form|div|a\s|img\s)/.test(lower)) return TYPES.html;
  if (/^(?:<\?xml[\s\S]*?\?>\s*)?(?:<!doctype\s+svg[^>]*>\s*)?<svg[\s>]/.test(lower)) return TYPES.svg;
  if (lower.startsWith('<?xml')) return TYPES.xml;
  return TYPES.text;
}
