// The one-pass XML tag reader behind the OOXML checks: what it reads, and that a crafted part
// costs work proportional to its length (counted, never timed).
import { xmlTags } from '../../../src/analyzers/documents/xml-tags';
import { countTextWork } from '../../helpers/work';

const tags = (xml: string) => [...xmlTags(xml)].map((t) => ({ name: t.name, attributes: Object.fromEntries(t.attributes), text: t.text }));

test('reads names, attributes in either quote, text, closing and self-closing tags', () => {
  expect(
    tags(
      `<?xml version="1.0"?><Relationships><Relationship Id='r1' Type="http://x/oleObject" Target="a>b" TargetMode="External"/></Relationships>`,
    ),
  ).toEqual([
    { name: 'Relationships', attributes: {}, text: '' },
    { name: 'Relationship', attributes: { Id: 'r1', Type: 'http://x/oleObject', Target: 'a>b', TargetMode: 'External' }, text: '' },
    { name: '/Relationships', attributes: {}, text: '' },
  ]);
  expect(tags('<w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\</w:instrText></w:r>').map((t) => [t.name, t.text])).toEqual([
    ['w:r', ''],
    ['w:instrText', ' DDEAUTO c:\\'],
    ['/w:instrText', ''],
    ['/w:r', ''],
  ]);
});

test('skips comments and CDATA, keeps the first of a repeated attribute, stops at an unterminated value', () => {
  expect(tags('<!-- <a x="1"> --><b y="2" y="3"/><![CDATA[<c>]]><d z="open>')).toEqual([{ name: 'b', attributes: { y: '2' }, text: '' }]);
  expect(tags('<a x=1 y>')).toEqual([{ name: 'a', attributes: { x: '', '1': '', y: '' }, text: '' }]);
});

test.each([
  ['openings without a closing', '<Relationship '.repeat(50_000)],
  ['attributes without a closing quote', `<ddeLink ${'ddeService="'.repeat(20_000)}`],
  ['many tags', '<w:instrText>x</w:instrText>'.repeat(20_000)],
])('%s: work proportional to the length', async (_name, xml) => {
  const { work } = await countTextWork(() => [...xmlTags(xml)].length);
  expect(work.indexOfChars).toBeLessThanOrEqual(2 * xml.length);
  expect(work.charsScanned).toBe(0);
});
