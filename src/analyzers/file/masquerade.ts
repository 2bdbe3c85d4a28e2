// Names that lie about content: an executable named like a document (T1036.008), a double
// extension such as "invoice.pdf.exe" (T1036.007), a right-to-left override that reverses how the
// extension displays (T1036.002).
import { extensionCategory, fileExtension, type FileCategory, type FileType } from './file-type';
import type { Signal } from './signals';

/** Categories a user opens expecting to read or view, never to run. */
const HARMLESS_LOOKING: readonly FileCategory[] = ['document', 'image', 'media', 'text', 'archive', 'web', 'disk-image'];
const RUNNABLE_EXTENSIONS = new Set([
  'exe',
  'scr',
  'com',
  'pif',
  'bat',
  'cmd',
  'js',
  'jse',
  'vbs',
  'vbe',
  'wsf',
  'wsh',
  'hta',
  'lnk',
  'ps1',
  'msi',
  'cpl',
  'jar',
  'dll',
  'reg',
  'iso',
  'img',
  'vhd',
  'vhdx',
]);

/** Content risk if it hides behind a harmless-looking extension. */
const HIDDEN_CONTENT_SCORE: Partial<Record<FileCategory, number>> = { executable: 70, script: 45, shortcut: 45 };

export function masqueradeSignals(type: FileType, name: string | undefined): Signal[] {
  if (!name) return [];
  const signals: Signal[] = [];
  const base = name.replace(/\\/g, '/').split('/').pop() ?? name;

  if (/[\u202e\u202d\u200f\u061c]/.test(base)) {
    signals.push({
      id: 'rtlo-name',
      score: 70,
      attack: ['T1036.002'],
      what: 'right-to-left override in the file name',
      line: `file name contains a right-to-left override character that disguises its extension: ${JSON.stringify(base)} (T1036.002)`,
    });
  }

  const parts = base
    .toLowerCase()
    .split('.')
    .map((p) => p.trim());
  if (parts.length >= 3) {
    const last = parts[parts.length - 1];
    const previous = parts[parts.length - 2];
    const claimed = extensionCategory(previous);
    if (RUNNABLE_EXTENSIONS.has(last) && claimed && HARMLESS_LOOKING.includes(claimed)) {
      signals.push({
        id: 'double-extension',
        score: 60,
        attack: ['T1036.007'],
        what: `double extension .${previous}.${last}`,
        line: `double extension ".${previous}.${last}": a ${claimed} name on a runnable file (T1036.007)`,
      });
    }
  }

  const ext = fileExtension(base);
  const claimed = extensionCategory(ext);
  // "data" extensions (.bin, .dat, .tmp) promise nothing, so nothing can contradict them.
  if (!claimed || claimed === 'data' || type.extensions.includes(ext) || type.category === 'empty' || type.category === 'data')
    return signals;
  const hidden = HIDDEN_CONTENT_SCORE[type.category];
  // A script saved as .txt is everyday life; a script named like a PDF or a photo is not.
  const disguise = type.category === 'script' ? ['document', 'image', 'media'].includes(claimed) : HARMLESS_LOOKING.includes(claimed);
  if (hidden && disguise) {
    signals.push({
      id: 'extension-mismatch',
      score: hidden,
      attack: ['T1036.008'],
      what: `disguised as .${ext}`,
      line: `extension mismatch: ${type.description} named ".${ext}" (${claimed}) — masquerading file type (T1036.008)`,
    });
  } else {
    // A PNG named .jpg or a .docx named .doc is mostly sloppiness: worth a line, not a score.
    signals.push({
      id: 'extension-mismatch',
      score: 0,
      attack: [],
      what: `named .${ext}`,
      line: `extension mismatch: content is ${type.description}, name says ".${ext}" (${claimed})`,
    });
  }
  return signals;
}
