// Static signs of malice, each with a score, ATT&CK ids and an evidence line: import sets that
// implement a technique, packing, persistence paths among the strings. Scores are additive
// risk contributions; index.ts turns their sum into a verdict.
import type { ElfInfo } from './elf';
import { hasUpxMarkers, packerForSection } from './packers';
import { SCN_CODE, SCN_EXECUTE, SCN_WRITE, type PeInfo } from './pe';
import type { Indicators } from './strings';

export interface Signal {
  id: string;
  score: number;
  attack: string[];
  /** Short phrase for a summary. */
  what: string;
  /** Full evidence line. */
  line: string;
}

interface ImportRule {
  id: string;
  what: string;
  attack: string[];
  score: number;
  /** Every group must be matched by some imported function name. */
  groups: RegExp[];
}

// Sets follow the ATT&CK technique pages' procedure examples and the usual analyst lists
// (e.g. the API lists in Practical Malware Analysis, appendix A). A-/W- and Nt/Zw variants share a rule.
const IMPORT_RULES: ImportRule[] = [
  {
    id: 'process-injection',
    what: 'remote process injection imports (allocate, write, run in another process)',
    attack: ['T1055'],
    score: 45,
    groups: [
      /^(?:VirtualAllocEx(?:Numa)?|(?:Nt|Zw)AllocateVirtualMemory(?:Ex)?|(?:Nt|Zw)MapViewOfSection|MapViewOfFile2)$/,
      /^(?:WriteProcessMemory|(?:Nt|Zw)WriteVirtualMemory)$/,
      /^(?:CreateRemoteThread(?:Ex)?|(?:Nt|Zw)CreateThreadEx|RtlCreateUserThread|QueueUserAPC2?|(?:Nt|Zw)QueueApcThread(?:Ex)?|(?:Wow64)?SetThreadContext)$/,
    ],
  },
  {
    id: 'process-hollowing',
    what: 'process hollowing imports (create, unmap, set context, resume)',
    attack: ['T1055.012'],
    score: 50,
    groups: [
      /^CreateProcess(?:A|W|InternalA|InternalW|AsUserA|AsUserW)$/,
      /^(?:Nt|Zw)UnmapViewOfSection$/,
      /^(?:(?:Wow64)?SetThreadContext|(?:Nt|Zw)SetContextThread)$/,
      /^(?:ResumeThread|(?:Nt|Zw)ResumeThread)$/,
    ],
  },
  {
    id: 'keylogger-hook',
    what: 'keyboard hook with key translation (keylogging)',
    attack: ['T1056.001'],
    score: 30,
    groups: [
      /^SetWindowsHookEx[AW]$/,
      /^(?:GetKeyboardState|GetKeyNameText[AW]|ToAscii(?:Ex)?|ToUnicode(?:Ex)?|MapVirtualKey(?:Ex)?[AW])$/,
      /^(?:GetForegroundWindow|GetWindowText[AW])$/,
    ],
  },
  {
    id: 'keylogger-polling',
    what: 'key state polling of the foreground window (keylogging)',
    attack: ['T1056.001'],
    score: 30,
    groups: [
      /^GetAsyncKeyState$/,
      /^GetForegroundWindow$/,
      /^GetWindowText[AW]$/,
      /^(?:GetKeyboardState|GetKeyNameText[AW]|ToAscii(?:Ex)?|ToUnicode(?:Ex)?|MapVirtualKey(?:Ex)?[AW]|GetKeyState)$/,
    ],
  },
  {
    id: 'keylogger-rawinput',
    what: 'raw keyboard input capture (keylogging)',
    attack: ['T1056.001'],
    score: 30,
    groups: [/^RegisterRawInputDevices$/, /^GetRawInputData$/, /^(?:GetForegroundWindow|GetWindowText[AW])$/],
  },
  {
    id: 'anti-debug',
    what: "debugger detection beyond the C runtime's IsDebuggerPresent",
    attack: ['T1622'],
    score: 15,
    groups: [
      /^(?:CheckRemoteDebuggerPresent|(?:Nt|Zw)QueryInformationProcess|(?:Nt|Zw)SetInformationThread|(?:Nt|Zw)QueryObject|DbgUiRemoteBreakin)$/,
      /^(?:IsDebuggerPresent|OutputDebugString[AW]|GetTickCount(?:64)?|QueryPerformanceCounter)$/,
    ],
  },
  {
    id: 'lsass-dump',
    what: 'process memory dumping with debug privilege (LSASS credential dumping)',
    attack: ['T1003.001'],
    score: 45,
    groups: [/^MiniDumpWriteDump$/, /^(?:OpenProcess|(?:Nt|Zw)OpenProcess)$/, /^(?:AdjustTokenPrivileges|RtlAdjustPrivilege)$/],
  },
  {
    id: 'sam-lsa-secrets',
    what: 'SAM / LSA secret access imports (credential dumping)',
    attack: ['T1003'],
    score: 45,
    groups: [
      /^(?:SamIConnect|SamIGetPrivateData|SamrQueryInformationUser|SamIRetrievePrimaryCredentials|LsaRetrievePrivateData|LsaICancelNotification|SystemFunction02[5-7])$/,
    ],
  },
  {
    id: 'credential-manager',
    what: 'Windows Credential Manager enumeration',
    attack: ['T1555.004'],
    score: 20,
    groups: [/^CredEnumerate[AW]$/, /^(?:CryptUnprotectData|CredReadDomainCredentials[AW]|CredRead[AW])$/],
  },
];

export function importSignals(functionNames: readonly string[]): Signal[] {
  const names = [...new Set(functionNames)];
  const out: Signal[] = [];
  for (const rule of IMPORT_RULES) {
    // Each group needs its own function: one API cannot play two roles.
    const hits: string[] = [];
    for (const g of rule.groups) {
      const hit = names.find((n) => g.test(n) && !hits.includes(n));
      if (hit === undefined) break;
      hits.push(hit);
    }
    if (hits.length < rule.groups.length) continue;
    // One technique can match through several rules (three keylogger styles): keep the first.
    if (out.some((s) => s.attack.join() === rule.attack.join())) continue;
    out.push({
      id: rule.id,
      score: rule.score,
      attack: rule.attack,
      what: withoutTrailingNote(rule.what),
      line: `${rule.what}: ${hits.join(', ')} (${rule.attack.join(', ')})`,
    });
  }
  return out;
}

/** "what (note)" → "what": a rule's trailing parenthetical. */
function withoutTrailingNote(what: string): string {
  const open = what.indexOf(' (');
  return open >= 0 && what.endsWith(')') && !/[\n\r\u2028\u2029]/.test(what.slice(open)) ? what.slice(0, open) : what;
}

/** Entropy above this in code is compressed or encrypted: compiled code sits near 6-6.8. */
export const PACKED_CODE_ENTROPY = 7.0;
const MIN_SECTION_FOR_ENTROPY = 512;

export function pePackingSignals(pe: PeInfo, bytes: Uint8Array): Signal[] {
  const strong: string[] = [];
  const weak: string[] = [];
  const packers = new Map<string, string[]>();
  for (const s of pe.sections) {
    const packer = packerForSection(s.name);
    if (packer) packers.set(packer, [...(packers.get(packer) ?? []), s.name]);
    const executable = (s.characteristics & (SCN_EXECUTE | SCN_CODE)) !== 0;
    if (executable && s.rawSize >= MIN_SECTION_FOR_ENTROPY && (s.entropy ?? 0) >= PACKED_CODE_ENTROPY) {
      strong.push(`executable section ${JSON.stringify(s.name)} has entropy ${s.entropy} (compressed or encrypted code)`);
    }
    if (executable && s.rawSize === 0 && s.virtualSize > 0)
      weak.push(`executable section ${JSON.stringify(s.name)} is empty on disk but ${s.virtualSize} bytes in memory (unpacking target)`);
    if (s.characteristics & SCN_EXECUTE && s.characteristics & SCN_WRITE)
      weak.push(`section ${JSON.stringify(s.name)} is both writable and executable`);
  }
  for (const [packer, names] of packers)
    strong.unshift(`section name${names.length > 1 ? 's' : ''} ${names.map((n) => JSON.stringify(n)).join(', ')} belong to ${packer}`);
  if (!packers.has('UPX') && hasUpxMarkers(bytes)) strong.push('UPX pack header ("UPX!") present');
  const entry = pe.sections.find((s) => s.name === pe.entrySection);
  if (entry && pe.sections.length > 1 && entry === pe.sections[pe.sections.length - 1] && !pe.isDll)
    weak.push(`entry point is in the last section ${JSON.stringify(entry.name)}`);
  const names = pe.imports.flatMap((i) => i.functions);
  if (
    !pe.dotnet &&
    names.length > 0 &&
    names.length < 10 &&
    names.some((n) => /^LoadLibrary/.test(n)) &&
    names.includes('GetProcAddress')
  ) {
    weak.push(`only ${names.length} imports, with LoadLibrary/GetProcAddress to resolve the rest at run time`);
  }
  if (strong.length === 0 && weak.length < 2) return [];
  const reasons = [...strong, ...weak];
  const by = packers.size ? ` by ${[...packers.keys()].join(', ')}` : '';
  return [
    {
      id: 'packed',
      score: strong.length ? 35 : 25,
      attack: ['T1027.002'],
      what: `packed${by}`,
      line: `packed${by} (T1027.002): ${reasons.slice(0, 6).join('; ')}`,
    },
  ];
}

export function elfPackingSignals(elf: ElfInfo, bytes: Uint8Array): Signal[] {
  const reasons: string[] = [];
  if (hasUpxMarkers(bytes)) reasons.push('UPX pack header ("UPX!") present');
  for (const s of elf.sections) {
    if (s.flags.includes('exec') && s.size >= MIN_SECTION_FOR_ENTROPY && (s.entropy ?? 0) >= PACKED_CODE_ENTROPY) {
      reasons.push(`executable section ${JSON.stringify(s.name)} has entropy ${s.entropy}`);
    }
  }
  // Without section headers the loadable segments are all there is to measure.
  if (elf.sections.length === 0) {
    for (const seg of elf.segments) {
      if (seg.flags.includes('X') && seg.fileSize >= MIN_SECTION_FOR_ENTROPY && (seg.entropy ?? 0) >= PACKED_CODE_ENTROPY) {
        reasons.push(`executable segment at ${seg.offset} has entropy ${seg.entropy}`);
      }
    }
  }
  if (reasons.length === 0) return [];
  if (elf.sections.length === 0 && elf.type !== 'core dump') reasons.push('no section headers');
  return [
    {
      id: 'packed',
      score: 35,
      attack: ['T1027.002'],
      what: reasons[0].startsWith('UPX') ? 'packed by UPX' : 'packed',
      line: `packed (T1027.002): ${reasons.join('; ')}`,
    },
  ];
}

const STANDARD_INTERPRETER =
  /^\/(?:usr\/)?lib(?:32|64|x32)?\/(?:[\w.-]+\/)?ld-(?:linux[\w.-]*|musl-[\w.-]+)\.so(?:\.\d+)*$|^\/system\/bin\/linker(?:64)?$|^\/libexec\/ld-elf\.so\.1$/;

export function elfAnomalySignals(elf: ElfInfo): Signal[] {
  const out: Signal[] = [];
  if (elf.interpreter !== undefined && !STANDARD_INTERPRETER.test(elf.interpreter)) {
    out.push({
      id: 'elf-interpreter',
      score: 20,
      attack: [],
      what: 'unusual program interpreter',
      line: `unusual program interpreter ${JSON.stringify(elf.interpreter)}`,
    });
  }
  if (elf.runpath && /(?:^|:)(?:\/tmp|\/dev\/shm|\/var\/tmp|\.)(?:\/|:|$)/.test(elf.runpath)) {
    out.push({
      id: 'elf-runpath',
      score: 20,
      attack: ['T1574.006'],
      what: 'library search path in a writable or relative directory',
      line: `library search path in a world-writable or relative directory: ${elf.runpath} (T1574.006)`,
    });
  }
  return out;
}

const PERSISTENCE_KEYS: [RegExp, string, string][] = [
  [/\\CurrentVersion\\(?:Run|RunOnce|RunOnceEx|RunServices|RunServicesOnce|Policies\\Explorer\\Run)(?:\\|$)/i, 'Run key', 'T1547.001'],
  [/\\Winlogon(?:\\|$)/i, 'Winlogon key', 'T1547.004'],
  [/\\Image File Execution Options(?:\\|$)/i, 'Image File Execution Options key', 'T1546.012'],
  [/\\CurrentControlSet\\Services(?:\\|$)/i, 'services key', 'T1543.003'],
];

export function stringSignals(ind: Indicators): Signal[] {
  const out: Signal[] = [];
  for (const [re, what, technique] of PERSISTENCE_KEYS) {
    const hit = ind.registry.find((k) => re.test(k));
    if (hit)
      out.push({
        id: `persistence-${technique}`,
        score: 15,
        attack: [technique],
        what: `persistence ${what} in strings`,
        line: `strings name a persistence ${what}: ${hit} (${technique})`,
      });
  }
  return out;
}
