// The tags of an XML part, read in one pass: name, attributes and the text up to the next tag.
// Enough for the few elements the OOXML analyzer looks at (relationships, field codes, DDE
// links), linear in the part's length where tag regexes such as /<ddeLink\b[^>]*ddeService="…"/
// rescan the rest of a crafted part from every opening. Quoted attribute values may hold `>`,
// as XML allows. Malformed input ends the scan at the point it breaks; nothing throws.

export interface XmlTag {
  /** Qualified name as written (`w:instrText`); a closing tag's name starts with `/`. */
  name: string;
  attributes: Map<string, string>;
  /** Character data between this tag and the next one, entities left as written. */
  text: string;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const endsName = (c: string) => isSpace(c) || c === '>' || c === '/' || c === '=';

/** Every tag in document order (processing instructions, comments and CDATA are skipped). */
export function* xmlTags(xml: string): Generator<XmlTag> {
  let at = xml.indexOf('<');
  while (at >= 0 && at < xml.length) {
    if (xml.startsWith('<!--', at)) {
      at = nextTagAfter(xml, '-->', at);
      continue;
    }
    if (xml.startsWith('<![CDATA[', at)) {
      at = nextTagAfter(xml, ']]>', at);
      continue;
    }
    if (xml[at + 1] === '?' || xml[at + 1] === '!') {
      at = nextTagAfter(xml, '>', at);
      continue;
    }
    let i = at + 1;
    const nameStart = i;
    if (xml[i] === '/') i++;
    while (i < xml.length && !endsName(xml[i])) i++;
    const name = xml.slice(nameStart, i);
    const attributes = new Map<string, string>();
    for (;;) {
      while (i < xml.length && isSpace(xml[i])) i++;
      if (i >= xml.length) return;
      if (xml[i] === '>' || (xml[i] === '/' && xml[i + 1] === '>')) {
        i += xml[i] === '>' ? 1 : 2;
        break;
      }
      const attrStart = i;
      while (i < xml.length && !endsName(xml[i])) i++;
      if (i === attrStart) {
        i++;
        continue;
      } // a stray `/` or `=`: skip it
      const attrName = xml.slice(attrStart, i);
      while (i < xml.length && isSpace(xml[i])) i++;
      if (xml[i] !== '=') {
        attributes.set(attrName, '');
        continue;
      }
      i++;
      while (i < xml.length && isSpace(xml[i])) i++;
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") {
        attributes.set(attrName, '');
        continue;
      }
      const close = xml.indexOf(quote, i + 1);
      if (close < 0) return; // unterminated value: nothing after it can be read as markup
      if (!attributes.has(attrName)) attributes.set(attrName, xml.slice(i + 1, close));
      i = close + 1;
    }
    const next = xml.indexOf('<', i);
    yield { name, attributes, text: xml.slice(i, next < 0 ? xml.length : next) };
    at = next;
  }
}

function nextTagAfter(xml: string, terminator: string, from: number): number {
  const end = xml.indexOf(terminator, from + 2);
  return end < 0 ? -1 : xml.indexOf('<', end + terminator.length);
}
