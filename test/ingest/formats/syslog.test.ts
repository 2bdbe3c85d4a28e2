import { parseSyslogLine, SyslogStreamDeframer } from '../../../src/ingest/formats/syslog';
import { countBufferWork, countTextWork } from '../../helpers/work';

/** A small deterministic PRNG, so fuzz failures reproduce. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe('parseSyslogLine: RFC 5424', () => {
  it('reads the header fields, nil values and a BOM before the message (RFC 5424 example 1)', () => {
    expect(
      parseSyslogLine("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8"),
    ).toEqual({
      priority: 34,
      facility: 4,
      severity: 2,
      timestamp: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com',
      appName: 'su',
      procId: undefined,
      msgId: 'ID47',
      message: "'su root' failed for lonvick on /dev/pts/8",
      framing: 'rfc5424',
    });
  });

  it('reads structured data with several elements and escaped values', () => {
    const line =
      '<165>1 2003-10-11T22:14:15.003Z host evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="App \\"x\\" [1\\]" path="C:\\\\tmp"][examplePriority@32473 class="high"] An application event';
    const parsed = parseSyslogLine(line);
    expect(parsed).toMatchObject({
      framing: 'rfc5424',
      priority: 165,
      facility: 20,
      severity: 5,
      procId: '1234',
      message: 'An application event',
    });
    expect(parsed.structuredData).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'App "x" [1]', path: 'C:\\tmp' },
      'examplePriority@32473': { class: 'high' },
    });
  });

  it('accepts structured data with no message, and a header of nil values only', () => {
    expect(parseSyslogLine('<13>1 2003-10-11T22:14:15Z h a - - [id k="v"]')).toMatchObject({
      structuredData: { id: { k: 'v' } },
      message: '',
    });
    expect(parseSyslogLine('<13>1 - - - - - -')).toEqual({
      priority: 13,
      facility: 1,
      severity: 5,
      timestamp: undefined,
      hostname: undefined,
      appName: undefined,
      procId: undefined,
      msgId: undefined,
      message: '',
      framing: 'rfc5424',
    });
  });

  it('keeps malformed structured data as message text', () => {
    const parsed = parseSyslogLine('<13>1 - host app - - [id k="unterminated');
    expect(parsed.structuredData).toBeUndefined();
    expect(parsed.message).toBe('[id k="unterminated');
  });

  it('accepts a header without PRI (as syslog servers write files) only with a real timestamp', () => {
    const noPri = parseSyslogLine('1 2018-12-12T16:53:22.925757+00:00 CENTER ATA 4688 SomeAlert text');
    expect(noPri).not.toHaveProperty('priority');
    expect(noPri).toMatchObject({
      framing: 'rfc5424',
      timestamp: '2018-12-12T16:53:22.925757+00:00',
      hostname: 'CENTER',
      appName: 'ATA',
      procId: '4688',
      msgId: 'SomeAlert',
      message: 'text',
    });
    expect(parseSyslogLine('1 apple a day')).toEqual({ message: '1 apple a day', framing: 'none' });
  });

  it('drops the trailing newline', () => {
    expect(parseSyslogLine('<13>1 - h a - - - hello\r\n').message).toBe('hello');
  });
});

describe('parseSyslogLine: RFC 3164', () => {
  it('reads timestamp, hostname, tag and content (RFC 3164 example)', () => {
    expect(parseSyslogLine("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")).toEqual({
      priority: 34,
      facility: 4,
      severity: 2,
      timestamp: 'Oct 11 22:14:15',
      hostname: 'mymachine',
      appName: 'su',
      procId: undefined,
      message: "'su root' failed for lonvick on /dev/pts/8",
      framing: 'rfc3164',
    });
  });

  it('reads a tag with a pid and a space-padded day', () => {
    expect(parseSyslogLine('<13>Feb  5 17:32:18 10.0.0.99 sshd[1234]: Accepted publickey')).toMatchObject({
      timestamp: 'Feb  5 17:32:18',
      hostname: '10.0.0.99',
      appName: 'sshd',
      procId: '1234',
      message: 'Accepted publickey',
      framing: 'rfc3164',
    });
  });

  it('works without PRI, without hostname, without tag, with a year or an RFC 3339 timestamp', () => {
    expect(parseSyslogLine('Oct 11 22:14:15 mymachine su: hi')).not.toHaveProperty('priority');
    expect(parseSyslogLine('Oct 11 22:14:15 mymachine su: hi')).toMatchObject({
      hostname: 'mymachine',
      appName: 'su',
      message: 'hi',
      framing: 'rfc3164',
    });
    expect(parseSyslogLine('<34>Oct 11 22:14:15 su: hi')).toMatchObject({ hostname: undefined, appName: 'su', message: 'hi' });
    expect(parseSyslogLine('<34>Oct 11 22:14:15 fe80::1 plain content')).toMatchObject({
      hostname: 'fe80::1',
      appName: undefined,
      message: 'plain content',
    });
    expect(parseSyslogLine('Mar 03 2021 11:14:34 fw01')).toMatchObject({
      timestamp: 'Mar 03 2021 11:14:34',
      hostname: 'fw01',
      message: '',
    });
    expect(parseSyslogLine('2017-11-28T19:24:55.000Z LAB-HOST')).toMatchObject({
      timestamp: '2017-11-28T19:24:55.000Z',
      hostname: 'LAB-HOST',
      framing: 'rfc3164',
    });
  });

  it('treats PRI followed by anything else as 3164 content', () => {
    expect(parseSyslogLine('<13>just text')).toEqual({ priority: 13, facility: 1, severity: 5, message: 'just text', framing: 'rfc3164' });
  });
});

describe('parseSyslogLine: no header', () => {
  it.each(['hello world', '', '<999>too big', '<abc>x', 'Foo 11 22:14:15 host x', '12-12-2018 19:52:18 Auth.Warning 192.168.0.222 x'])(
    'returns %j as the message with framing none',
    (line) => {
      expect(parseSyslogLine(line)).toEqual({ message: line, framing: 'none' });
    },
  );

  it('never throws, whatever the input', () => {
    const rand = prng(42);
    const alphabet = [
      '<',
      '>',
      '1',
      ' ',
      '-',
      '[',
      ']',
      '"',
      '\\',
      '=',
      ':',
      'T',
      'Z',
      '\n',
      '\0',
      'é',
      '\uFFFD',
      'Oct',
      '2003-10-11T22:14:15Z',
      'a',
    ];
    for (let i = 0; i < 5000; i++) {
      let s = rand() < 0.5 ? '<13>1 ' : '';
      const n = Math.floor(rand() * 40);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      expect(() => parseSyslogLine(s)).not.toThrow();
    }
  });

  it('stays linear on adversarial input: each character is looked at a bounded number of times', async () => {
    const inputs = [
      '<13>1 - - - - - ' + '['.repeat(50_000),
      '<13>1 - - - - - [a' + ' b="'.repeat(20_000),
      'Oct 11 22:14:15 ' + 'a'.repeat(60_000) + '\n'.repeat(60_000) + 'x',
    ];
    const { work } = await countTextWork(() => inputs.forEach((s) => parseSyslogLine(s)));
    const total = inputs.reduce((n, s) => n + s.length, 0);
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(4 * total);
  });
});

describe('SyslogStreamDeframer', () => {
  const push = (d: SyslogStreamDeframer, ...chunks: (string | Buffer)[]) =>
    chunks.flatMap((c) => d.push(typeof c === 'string' ? Buffer.from(c) : c));
  const octet = (msg: string) => `${Buffer.byteLength(msg)} ${msg}`;

  it('splits newline framing on LF, CRLF and NUL, skipping empty lines', () => {
    const d = new SyslogStreamDeframer();
    expect(push(d, 'one\ntwo\r\nthree\0\n\nfour\n')).toEqual(['one', 'two', 'three', 'four']);
  });

  it('joins a newline-framed message split across chunks and returns the unterminated tail on flush', () => {
    const d = new SyslogStreamDeframer();
    expect(push(d, '<13>hel', 'lo\r', '\nwor', 'ld')).toEqual(['<13>hello']);
    expect(d.flush()).toEqual(['world']);
    expect(d.flush()).toEqual([]);
  });

  it('reads several octet-counted messages from one chunk', () => {
    const d = new SyslogStreamDeframer();
    expect(push(d, octet('<13>1 - - - - - - a') + octet('<13>1 - - - - - - b\nwith newline') + octet('c'))).toEqual([
      '<13>1 - - - - - - a',
      '<13>1 - - - - - - b\nwith newline',
      'c',
    ]);
  });

  it('reads octet-counted messages across chunk boundaries, in the length and in a multi-byte character', () => {
    const stream = Buffer.from(octet('<13>1 - - - - - - héllo wörld') + octet('second'));
    for (let cut = 1; cut < stream.length; cut++) {
      const d = new SyslogStreamDeframer();
      expect([...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))]).toEqual(['<13>1 - - - - - - héllo wörld', 'second']);
    }
  });

  it('detects the framing per message, also byte by byte', () => {
    const stream = Buffer.from(`${octet('framed one')}plain two\n${octet('framed three')}\nplain four\r\n`);
    const expected = ['framed one', 'plain two', 'framed three', 'plain four'];
    expect(push(new SyslogStreamDeframer(), stream)).toEqual(expected);
    const d = new SyslogStreamDeframer();
    expect([...stream].flatMap((b) => d.push(Buffer.from([b])))).toEqual(expected);
  });

  it('drops an oversize octet-counted message, counted, and keeps the framing of the next', () => {
    const d = new SyslogStreamDeframer({ maxMessageSize: 10 });
    const big = octet('x'.repeat(25));
    expect(push(d, octet('ok'), big.slice(0, 12), big.slice(12), octet('after'))).toEqual(['ok', 'after']);
    expect(d.droppedOversize).toBe(1);
  });

  it('drops an oversize newline-framed message, counted, and resumes after its newline', () => {
    const d = new SyslogStreamDeframer({ maxMessageSize: 10 });
    expect(push(d, 'short\n', 'y'.repeat(8), 'y'.repeat(8), 'y'.repeat(8), '\nnext\n', 'exactly10!\n', 'eleven char\n')).toEqual([
      'short',
      'next',
      'exactly10!',
    ]);
    expect(d.droppedOversize).toBe(2);
  });

  it('decodes invalid UTF-8 with replacement characters', () => {
    const d = new SyslogStreamDeframer();
    expect(d.push(Buffer.from([0x61, 0xff, 0xc3, 0x0a, 0x32, 0x20, 0xe2, 0x82]))).toEqual(['a\uFFFD\uFFFD', '\uFFFD']);
  });

  it('counts an octet-counted message cut short by the end of the stream', () => {
    const d = new SyslogStreamDeframer();
    expect(push(d, '20 only part')).toEqual([]);
    expect(d.flush()).toEqual([]);
    expect(d.droppedTruncated).toBe(1);
  });

  it('reads digit-led lines that are not octet counting as newline-framed', () => {
    const d = new SyslogStreamDeframer();
    expect(push(d, '12-12-2018 19:52:18 Auth.Warning x\n', '1234567890123 long number\n', '0 zero\n')).toEqual([
      '12-12-2018 19:52:18 Auth.Warning x',
      '1234567890123 long number',
      '0 zero',
    ]);
  });

  it('stays linear when a large message trickles in byte by byte', () => {
    // Re-copying or re-searching the pending bytes on every push would cost n²/2 = 4.5e10 bytes.
    const n = 300_000;
    const d = new SyslogStreamDeframer({ maxMessageSize: 512 * 1024 });
    const out: string[] = [];
    const body = Buffer.from('x'.repeat(n));
    const framed = Buffer.from(octet('y'.repeat(n)));
    const { work } = countBufferWork(() => {
      for (let i = 0; i < n; i++) out.push(...d.push(body.subarray(i, i + 1)));
      out.push('--', ...d.push(Buffer.from('\n')));
      for (const b of framed) out.push(...d.push(Buffer.from([b])));
    });
    expect(out).toEqual(['--', 'x'.repeat(n), 'y'.repeat(n)]);
    // Each byte is copied in once, moved at most a few times as capacity doubles and searched
    // for its delimiter a bounded number of times.
    expect(work.bytesCopied).toBeLessThan(8 * n);
    expect(work.bytesSearched).toBeLessThan(8 * n);
  });

  it("does not keep a reference to the caller's chunk", () => {
    const d = new SyslogStreamDeframer();
    const chunk = Buffer.from('abc');
    d.push(chunk);
    chunk.fill(0x7a);
    expect(d.push(Buffer.from('\n'))).toEqual(['abc']);
  });

  it('never throws on random bytes', () => {
    const rand = prng(7);
    const d = new SyslogStreamDeframer({ maxMessageSize: 64 });
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(
        Array.from(
          { length: Math.floor(rand() * 50) },
          () => [0x0a, 0x00, 0x0d, 0x20, 0x31, 0x35, 0x39, 0x41, 0xff, 0xc3][Math.floor(rand() * 10)],
        ),
      );
      expect(() => d.push(bytes)).not.toThrow();
    }
    expect(() => d.flush()).not.toThrow();
  });
});
