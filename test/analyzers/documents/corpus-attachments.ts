// Attachments of the shared corpus's phishing emails, read in place (never copied into the repo).
import { readFileSync } from 'node:fs';
import PostalMime from 'postal-mime';
import { corpusPath } from '../../helpers/corpus';

export async function corpusAttachment(sample: string, filename: string): Promise<Uint8Array> {
  const email = await PostalMime.parse(readFileSync(corpusPath('eml', 'phishing', `phishing_pot-sample-${sample}.eml`)));
  const found = email.attachments.find((a) => a.filename === filename);
  if (!found) throw new Error(`no attachment ${filename} in sample ${sample}`);
  const content = found.content as ArrayBuffer | Uint8Array | string;
  return typeof content === 'string'
    ? Buffer.from(content, 'latin1')
    : new Uint8Array(
        content instanceof ArrayBuffer ? content : content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength),
      );
}
