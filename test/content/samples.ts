// A harmless stand-in for a malware sample: the fixture program hello-x64.exe (a real mingw
// PE) with an appended configuration overlay, as droppers carry theirs. Addresses are from the
// documentation ranges, names are made up; the program itself never reads the overlay.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const IMPLANT_STRINGS = {
  url: 'http://198.51.100.23/gate.php?id=',
  mutex: 'Global\\qx7-autosoc-test-implant',
  agent: 'Mozilla/4.0 (compatible; autosoc-test-beacon 2.1)',
  pdb: 'C:\\build\\beacon\\Release\\beacon_test.pdb',
  pipe: '\\\\.\\pipe\\autosoc_test_relay',
};

export function implantSample(): Buffer {
  const base = readFileSync(join(__dirname, '..', 'fixtures', 'file', 'hello-x64.exe'));
  const overlay = Buffer.concat([
    Buffer.from(`${IMPLANT_STRINGS.url}\0${IMPLANT_STRINGS.agent}\0${IMPLANT_STRINGS.pdb}\0\0\0`, 'latin1'),
    Buffer.from(`${IMPLANT_STRINGS.mutex}\0${IMPLANT_STRINGS.pipe}\0`, 'utf16le'),
  ]);
  return Buffer.concat([base, overlay]);
}
