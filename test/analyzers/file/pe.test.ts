// PE headers, imports and imphash on real Windows binaries, checked against pefile and pe-library.
//
// Expected values below were computed with pefile 2024.8.26 (Python 3.11, `pip install pefile`
// in a throwaway venv): pefile.PE(path).get_imphash(), FILE_HEADER.Machine/TimeDateStamp,
// OPTIONAL_HEADER.AddressOfEntryPoint, section.get_entropy() rounded to 3 places. The same run
// agreed with our imphash on all 230 PE files found on the development machine.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePe } from '../../../src/analyzers/file/pe';
import { imphash } from '../../../src/analyzers/file/pe-imports';
import { ordinalName } from '../../../src/analyzers/file/pe-ordinals';
import { importSignals, pePackingSignals } from '../../../src/analyzers/file/signals';
import { craftPe, noise, SCN } from './craft-pe';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'file');
const TS_WIN_X64 = join(ROOT, 'node_modules/tree-sitter-powershell/prebuilds/win32-x64/tree-sitter-powershell.node'); // tree-sitter-powershell 0.26.4
const TS_WIN_ARM64 = join(ROOT, 'node_modules/tree-sitter-powershell/prebuilds/win32-arm64/tree-sitter-powershell.node');
const TEMPORAL_WIN = join(ROOT, 'node_modules/@temporalio/core-bridge/releases/x86_64-pc-windows-msvc/index.node'); // @temporalio/core-bridge 1.24.0

interface Expected {
  path: string;
  imphash: string;
  machine: string;
  timestamp: number;
  entry: number;
  imports: number;
  dll: boolean;
  sections: [string, number][];
}

const PEFILE: Expected[] = [
  {
    path: TS_WIN_X64,
    imphash: '8e7d05826edc43e8ff89d058c8c59747',
    machine: 'x64',
    timestamp: 1777907565,
    entry: 0x4db54,
    imports: 78,
    dll: true,
    sections: [
      ['.text', 5.94],
      ['.rdata', 3.029],
      ['.data', 2.445],
      ['.pdata', 5.359],
      ['.fptable', 0],
      ['.rsrc', 4.725],
      ['.reloc', 5.144],
    ],
  },
  {
    path: TS_WIN_ARM64,
    imphash: 'dc23069c19e24122dc7d2b5f2aff192e',
    machine: 'ARM64',
    timestamp: 1777907625,
    entry: 0x5bac0,
    imports: 69,
    dll: true,
    sections: [
      ['.text', 5.825],
      ['.rdata', 2.967],
      ['.data', 2.407],
      ['.pdata', 4.844],
      ['.fptable', 0],
      ['.rsrc', 4.711],
      ['.reloc', 5.131],
    ],
  },
  {
    path: TEMPORAL_WIN,
    imphash: 'b21b79ae09554538195d19159aa5f05f',
    machine: 'x64',
    timestamp: 1787956377,
    entry: 0x16a9cc0,
    imports: 178,
    dll: true,
    sections: [
      ['.text', 6.147],
      ['.rdata', 5.822],
      ['.data', 2.093],
      ['.pdata', 6.854],
      ['.linkme_', 0.082],
      ['.linkm2_', 0.02],
      ['.linkm2_', 0.02],
      ['.reloc', 5.488],
    ],
  },
  {
    path: join(FIXTURES, 'hello-x64.exe'),
    imphash: '8a98287583280596621b430fd66919dd',
    machine: 'x64',
    timestamp: 0,
    entry: 0x14d0,
    imports: 37,
    dll: false,
    sections: [
      ['.text', 6.01],
      ['.data', 0.648],
      ['.rdata', 4.312],
      ['.pdata', 2.316],
      ['.xdata', 3.149],
      ['.bss', 0],
      ['.idata', 3.557],
      ['.CRT', 0.274],
      ['.tls', 0],
      ['.reloc', 1.459],
    ],
  },
  {
    path: join(FIXTURES, 'hello-x64-upx.exe'),
    imphash: '9aebf3da4677af9275c461261e5abde3',
    machine: 'x64',
    timestamp: 0,
    entry: 0xd6b0,
    imports: 5,
    dll: false,
    sections: [
      ['UPX0', 0],
      ['UPX1', 7.645],
      ['UPX2', 1.783],
    ],
  },
  {
    path: join(FIXTURES, 'ordinals-x86.exe'),
    imphash: '6f74aa2219cc777fd88384d497adc697',
    machine: 'x86',
    timestamp: 0,
    entry: 0x14b0,
    imports: 59,
    dll: false,
    sections: [
      ['.text', 6.201],
      ['.data', 0.819],
      ['.rdata', 4.933],
      ['.eh_fram', 4.766],
      ['.bss', 0],
      ['.idata', 4.218],
      ['.CRT', 0.221],
      ['.tls', 0],
      ['.reloc', 5.115],
    ],
  },
];

describe('parsePe agrees with pefile', () => {
  test.each(PEFILE.map((e) => [e.path.replace(ROOT + '/', ''), e] as const))('%s', (_name, e) => {
    const pe = parsePe(readFileSync(e.path));
    expect(pe.imphash).toBe(e.imphash);
    expect(pe.machine).toBe(e.machine);
    expect(pe.timestamp).toBe(e.timestamp);
    expect(pe.entryPoint).toBe(e.entry);
    expect(pe.importCount).toBe(e.imports);
    expect(pe.isDll).toBe(e.dll);
    expect(pe.sections.map((s) => [s.name, s.entropy])).toEqual(e.sections);
    expect(pe.signed).toBe(false);
    expect(pe.anomalies).toEqual([]);
  });

  test("imports by ordinal are named through pefile's table, or ord<N> outside it", () => {
    const pe = parsePe(readFileSync(join(FIXTURES, 'ordinals-x86.exe')));
    const byDll = Object.fromEntries(pe.imports.map((i) => [i.dll, i.functions]));
    expect(byDll['OLEAUT32.dll']).toEqual(['SysAllocString']); // ordinal 2
    expect(byDll['ws2_32.dll']).toEqual(['WSACleanup', 'WSAStartup']); // ordinals 116, 115
    expect(byDll['SHLWAPI.dll']).toEqual(['ord480']); // not in pefile's table
  });

  test('a crafted PE with named, table and unknown ordinals, 32- and 64-bit, hashes as pefile does', () => {
    // pefile 2024.8.26 gave 0b35f51a40d55acc8f55cfa6ce231b5f for both variants of this file.
    for (const is64 of [true, false]) {
      const pe = parsePe(
        craftPe({
          is64,
          imports: [
            { dll: 'KERNEL32.DLL', functions: ['VirtualAllocEx', 'WriteProcessMemory', 'CreateRemoteThread', 'OpenProcess'] },
            { dll: 'WS2_32.dll', functions: [3, 4, 115, 23] },
            { dll: 'OLEAUT32.dll', functions: [2, 6, 9999] },
            { dll: 'mylib.ocx', functions: ['Init', 7] },
          ],
          sections: [
            { name: 'UPX0', data: new Uint8Array(0), virtualSize: 0x10000, characteristics: SCN.UDATA | SCN.EXEC | SCN.READ | SCN.WRITE },
            { name: 'UPX1', data: noise(0x3000), characteristics: SCN.IDATA | SCN.EXEC | SCN.READ | SCN.WRITE },
          ],
          entrySection: 1,
        }),
      );
      expect(pe.format).toBe(is64 ? 'PE32+' : 'PE32');
      expect(pe.imports.map((i) => i.functions)).toEqual([
        ['VirtualAllocEx', 'WriteProcessMemory', 'CreateRemoteThread', 'OpenProcess'],
        ['closesocket', 'connect', 'WSAStartup', 'socket'],
        ['SysAllocString', 'SysFreeString', 'ord9999'],
        ['Init', 'ord7'],
      ]);
      expect(pe.imphash).toBe('0b35f51a40d55acc8f55cfa6ce231b5f');
    }
  });

  test('imphash drops only .dll/.ocx/.sys and lower-cases everything', () => {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    expect(
      imphash([
        { dll: 'KERNEL32.DLL', functions: ['Sleep'] },
        { dll: 'drv.SYS', functions: ['X'] },
        { dll: 'a.b.cpl', functions: ['Y'] },
      ]),
    ).toBe(md5('kernel32.sleep,drv.x,a.b.cpl.y'));
    expect(ordinalName('WSOCK32.dll', 1)).toBe('accept');
    expect(ordinalName('ws2_32', 1)).toBeUndefined(); // pefile keys the table by the full file name
    expect(ordinalName('constructor', 1)).toBeUndefined();
    expect(
      parsePe(
        craftPe({
          imports: [
            { dll: '__proto__', functions: [1] },
            { dll: 'constructor', functions: [2] },
          ],
        }),
      ).imports.map((i) => i.functions),
    ).toEqual([['ord1'], ['ord2']]);
  });
});

describe('parsePe agrees with pe-library (run in a plain node process: it is ESM-only)', () => {
  test('machine, section count, timestamp, entry point, subsystem and section table', () => {
    const files = PEFILE.map((e) => e.path);
    const script = `
      const PE = require('pe-library'); const fs = require('fs');
      const out = process.argv.slice(1).map((f) => {
        const exe = PE.NtExecutable.from(fs.readFileSync(f), { ignoreCert: true });
        const fh = exe.newHeader.fileHeader, oh = exe.newHeader.optionalHeader;
        return { machine: fh.machine, sections: fh.numberOfSections, ts: fh.timeDateStamp, entry: oh.addressOfEntryPoint, subsystem: oh.subsystem,
          table: exe.getAllSections().map((s) => [s.info.name, s.info.virtualAddress, s.info.sizeOfRawData, s.info.characteristics >>> 0]) };
      });
      process.stdout.write(JSON.stringify(out));`;
    const run = spawnSync(process.execPath, ['-e', script, ...files], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const theirs = JSON.parse(run.stdout) as {
      machine: number;
      sections: number;
      ts: number;
      entry: number;
      subsystem: number;
      table: [string, number, number, number][];
    }[];
    const machineCodes: Record<string, number> = { x64: 0x8664, ARM64: 0xaa64, x86: 0x14c };
    files.forEach((f, i) => {
      const ours = parsePe(readFileSync(f));
      expect(machineCodes[ours.machine]).toBe(theirs[i].machine);
      expect(ours.declaredSections).toBe(theirs[i].sections);
      expect(ours.timestamp).toBe(theirs[i].ts);
      expect(ours.entryPoint).toBe(theirs[i].entry);
      expect(ours.subsystem).toBe(theirs[i].subsystem === 2 ? 'Windows GUI' : 'Windows console');
      expect(ours.sections.map((s) => [s.name, s.virtualAddress, s.rawSize, s.characteristics])).toEqual(theirs[i].table);
    });
  });
});

describe("PE facts beyond pefile's numbers", () => {
  test('a certificate table marks the file signed and is not counted as overlay', () => {
    const cert = new Uint8Array(0x100);
    new DataView(cert.buffer).setUint32(0, cert.length, true);
    const pe = parsePe(craftPe({ certificate: cert }));
    expect(pe.signed).toBe(true);
    expect(pe.overlaySize).toBe(0);
    const withOverlay = Buffer.concat([craftPe(), Buffer.alloc(1000, 0x41)]);
    expect(parsePe(withOverlay).overlaySize).toBe(1000);
  });

  test('DLL flag, subsystem and entry section', () => {
    const pe = parsePe(craftPe({ dll: true, is64: false }));
    expect(pe.isDll).toBe(true);
    expect(pe.characteristics).toContain('dll');
    expect(pe.subsystem).toBe('Windows console');
    expect(pe.entrySection).toBe('.text');
    expect(pe.sections[0].flags).toEqual(['code', 'execute', 'read']);
  });
});

describe('suspicious import sets', () => {
  const ids = (names: string[]) => importSignals(names).map((s) => `${s.id}:${s.attack.join()}`);

  test('the classic injection triple is T1055; hollowing is T1055.012', () => {
    expect(ids(['VirtualAllocEx', 'WriteProcessMemory', 'CreateRemoteThread'])).toEqual(['process-injection:T1055']);
    expect(ids(['NtAllocateVirtualMemory', 'NtWriteVirtualMemory', 'QueueUserAPC'])).toEqual(['process-injection:T1055']);
    expect(ids(['CreateProcessW', 'NtUnmapViewOfSection', 'SetThreadContext', 'ResumeThread'])).toEqual(['process-hollowing:T1055.012']);
  });

  test('half a set is not enough', () => {
    expect(ids(['VirtualAllocEx', 'WriteProcessMemory'])).toEqual([]);
    expect(ids(['CreateRemoteThread', 'OpenProcess'])).toEqual([]);
  });

  test('keylogging, anti-debugging and credential access', () => {
    expect(ids(['SetWindowsHookExA', 'GetKeyNameTextA', 'GetForegroundWindow', 'CallNextHookEx'])).toEqual(['keylogger-hook:T1056.001']);
    expect(ids(['GetAsyncKeyState', 'GetForegroundWindow', 'GetWindowTextW', 'MapVirtualKeyW'])).toEqual(['keylogger-polling:T1056.001']);
    expect(ids(['IsDebuggerPresent', 'CheckRemoteDebuggerPresent'])).toEqual(['anti-debug:T1622']);
    expect(ids(['MiniDumpWriteDump', 'OpenProcess', 'AdjustTokenPrivileges'])).toEqual(['lsass-dump:T1003.001']);
    expect(ids(['SamIConnect'])).toEqual(['sam-lsa-secrets:T1003']);
  });

  test("the C runtime's IsDebuggerPresent alone is not anti-debugging", () => {
    expect(ids(['IsDebuggerPresent', 'QueryPerformanceCounter', 'GetTickCount'])).toEqual([]);
  });

  test('real, ordinary binaries match no set and are not packed', () => {
    for (const e of PEFILE.filter((x) => !x.path.includes('upx'))) {
      const bytes = readFileSync(e.path);
      const pe = parsePe(bytes);
      expect(importSignals(pe.imports.flatMap((i) => i.functions))).toEqual([]);
      expect(pePackingSignals(pe, bytes)).toEqual([]);
    }
  });
});

describe('packing', () => {
  test('the UPX fixture is packed by UPX (names, entropy, empty unpack target)', () => {
    const bytes = readFileSync(join(FIXTURES, 'hello-x64-upx.exe'));
    const [signal] = pePackingSignals(parsePe(bytes), bytes);
    expect(signal.attack).toEqual(['T1027.002']);
    expect(signal.what).toBe('packed by UPX');
    expect(signal.line).toContain('"UPX1" has entropy 7.645');
  });

  test('a high-entropy code section is packed even under an ordinary name', () => {
    const bytes = craftPe({ sections: [{ name: '.text', data: noise(0x4000), characteristics: SCN.CODE | SCN.EXEC | SCN.READ }] });
    const [signal] = pePackingSignals(parsePe(bytes), bytes);
    expect(signal.what).toBe('packed');
    expect(signal.line).toMatch(/"\.text" has entropy 7\.9/);
  });

  test('high-entropy data (a compressed resource) is not packing', () => {
    const bytes = craftPe({
      sections: [
        { name: '.text', data: new Uint8Array(0x400).fill(0x90), characteristics: SCN.CODE | SCN.EXEC | SCN.READ },
        { name: '.rsrc', data: noise(0x4000), characteristics: SCN.IDATA | SCN.READ },
      ],
    });
    expect(pePackingSignals(parsePe(bytes), bytes)).toEqual([]);
  });
});
