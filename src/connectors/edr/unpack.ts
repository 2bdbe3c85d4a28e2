// What EDR APIs wrap a collected file in, taken off again: Defender Live Response GetFile's
// result package is a ZIP holding the file (learn.microsoft.com defender-endpoint
// live-response "getfile", result via GetLiveResponseResultDownloadLink); the file inside is
// the evidence, the ZIP its container (kept, and named in the file's provenance).
// Falcon RTR's 7z (password "infected") is unwrapped the same way in seven-zip.ts.
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { asBytes } from '../../analyzers/documents/common';
import { ConnectorError } from '../connector-http';
import type { FetchedFile } from './types';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const isZip = (b: Buffer) => ZIP_MAGIC.every((m, i) => b[i] === m);

/**
 * The one file inside a ZIP the API wrapped `expectedName` in, with the ZIP as its container.
 * Anything else (not a ZIP, several entries, encrypted) is returned as it came.
 */
export async function unwrapZip(fetched: FetchedFile, expectedName: string, vendor: string, maxBytes: number): Promise<FetchedFile> {
  if (!isZip(fetched.bytes)) return fetched;
  const reader = new ZipReader(new Uint8ArrayReader(asBytes(fetched.bytes)), { useWebWorkers: false });
  try {
    const files = (await reader.getEntries()).filter((e) => !e.directory);
    const entry = files.length === 1 ? files[0] : undefined;
    if (!entry || entry.encrypted || !entry.getData) return fetched;
    if (entry.uncompressedSize > maxBytes)
      throw new ConnectorError(
        'too-large',
        `${vendor}: ${entry.filename} is ${entry.uncompressedSize} bytes, over the ${maxBytes}-byte limit`,
      );
    const inner = Buffer.from(await entry.getData(new Uint8ArrayWriter(), { checkSignature: true, useWebWorkers: false }));
    if (inner.length > maxBytes) throw new ConnectorError('too-large', `${vendor}: ${entry.filename} is over the ${maxBytes}-byte limit`);
    const name = entry.filename.split(/[\\/]/).pop() || expectedName;
    return {
      bytes: inner,
      name,
      mediaType: 'application/octet-stream',
      container: {
        bytes: fetched.bytes,
        name: `${expectedName}.zip`,
        mediaType: 'application/zip',
        note: `ZIP as ${vendor} returns a collected file, holding ${name}`,
      },
    };
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    throw new ConnectorError('malformed', `${vendor}: the result package is not a readable ZIP: ${(err as Error).message}`);
  } finally {
    await reader.close();
  }
}
