// Traces that packers and protectors leave: section names in PE files (as listed by PEiD-style
// signature sets and the packers' own documentation) and UPX's "UPX!" pack headers.
import { asBuffer } from './bytes';

const PACKER_SECTIONS: [RegExp, string][] = [
  [/^UPX[0-9!]$/, 'UPX'],
  [/^\.?aspack$|^\.adata$/i, 'ASPack'],
  [/^\.themida$|^\.winlice$/i, 'Themida/WinLicense'],
  [/^\.vmp\d$/i, 'VMProtect'],
  [/^\.MPRESS[12]$/i, 'MPRESS'],
  [/^(?:PEC2|PECompact2|pec[12]?)$|^\.pec[12]?$/i, 'PECompact'],
  [/^\.petite$/i, 'Petite'],
  [/^\.nsp[012]$|^nsp[012]$/i, 'NsPack'],
  [/^\.enigma[12]$/i, 'Enigma Protector'],
  [/^\.?MEW$/i, 'MEW'],
  [/^\.?kkrunchy$/i, 'kkrunchy'],
  [/^\.RLPack$/i, 'RLPack'],
  [/^\.spack$/i, 'Simple Pack'],
  [/^\.svkp$/i, 'SVKP'],
  [/^\.yP$|^\.y0da$/i, "Yoda's Crypter"],
  [/^\.packed$|^\.perplex$/i, 'generic packer'],
  [/^\.Upack$|^\.ByDwing$/i, 'Upack'],
  [/^\.ccg$/i, 'CCG'],
  [/^\.boom$/i, 'The Boomerang'],
  [/^\.neolit$|^\.neolite$/i, 'NeoLite'],
  [/^\.taz$/i, 'PESpin'],
];

/** The packer a PE section name belongs to, if it is one of the known ones. */
export function packerForSection(name: string): string | undefined {
  for (const [re, packer] of PACKER_SECTIONS) if (re.test(name)) return packer;
  return undefined;
}

/** UPX pack headers: after the ELF program headers or PE headers, and at the end of packed files. */
export function hasUpxMarkers(bytes: Uint8Array): boolean {
  const buf = asBuffer(bytes);
  return (
    buf.subarray(0, 0x400).indexOf('UPX!') >= 0 ||
    buf.subarray(Math.max(0, buf.length - 0x40)).indexOf('UPX!') >= 0 ||
    buf.indexOf('$Info: This file is packed with the UPX') >= 0
  );
}
