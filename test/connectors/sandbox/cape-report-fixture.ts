// A report.json shaped like CAPEv2's (keys as CAPE's processing and reporting modules write
// them: info, target.file, malscore/malstatus, signatures from Signature.as_result(), ttps
// from mapTTP(), detections, network.hosts/domains, dropped, behavior.summary/processtree).
// Written for these tests; the values describe a made-up loader, not a real analysis.
export function capeReport(taskId: number, sha256: string, name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    info: { id: taskId, version: '2.4-CAPE', duration: 214, package: 'exe', machine: { name: 'win10-x64-1' } },
    target: { category: 'file', file: { name, sha256, size: 73_728, type: 'PE32 executable (GUI) Intel 80386, for MS Windows' } },
    malscore: 8.4,
    malstatus: 'Malicious',
    detections: [{ family: 'AgentTesla', details: [{ Yara: 'AgentTesla config found in process memory' }] }],
    signatures: [
      {
        name: 'injection_rwx',
        description: 'Creates RWX memory',
        severity: 2,
        weight: 1,
        confidence: 50,
        categories: ['injection'],
        families: [],
        references: [],
        data: [],
        new_data: [],
        alert: false,
      },
      {
        name: 'infostealer_browser',
        description: 'Steals private information from local Internet browsers',
        severity: 3,
        weight: 3,
        confidence: 80,
        categories: ['infostealer'],
        families: ['AgentTesla'],
        references: [],
        data: [],
        new_data: [],
        alert: false,
        ttp: ['T1555.003'],
      },
      {
        name: 'persistence_autorun',
        description: 'Installs itself for autorun at Windows startup',
        severity: 3,
        weight: 3,
        confidence: 60,
        categories: ['persistence'],
        families: [],
        references: [],
        data: [],
        new_data: [],
        alert: false,
      },
    ],
    ttps: [
      { signature: 'injection_rwx', ttps: ['T1055'], mbcs: ['E1055'] },
      { signature: 'persistence_autorun', ttps: ['T1547.001', 'not-an-id'], mbcs: [] },
    ],
    network: {
      hosts: [
        { ip: '203.0.113.45', country_name: 'unknown', hostname: '' },
        { ip: '198.51.100.23', country_name: 'unknown', hostname: '' },
      ],
      domains: [{ domain: 'smtp.mail-relay.example', ip: '203.0.113.45' }],
      http: [],
    },
    dropped: [
      {
        name: 'tmp4F2A.tmp.exe',
        sha256: 'ab'.repeat(32),
        guest_paths: ['C:\\Users\\admin\\AppData\\Local\\Temp\\tmp4F2A.tmp.exe'],
        size: 4096,
      },
    ],
    behavior: {
      processtree: [{ pid: 2412, name: name, children: [{ pid: 3100, name: 'schtasks.exe', children: [] }] }],
      summary: {
        executed_commands: [
          '"C:\\Windows\\System32\\schtasks.exe" /Create /TN "Updates\\tmp" /XML "C:\\Users\\admin\\AppData\\Local\\Temp\\tmp.xml"',
        ],
        mutexes: [],
      },
    },
    ...overrides,
  };
}
