// Falcon RTR's extracted-file-contents answers the collected file inside a 7z archive with
// password "infected" (falconpy RTR_GetExtractedFileContents). 7-Zip itself, compiled to
// WebAssembly (npm 7z-wasm, LGPL), reads it in memory: no native binary, no install script.
// A fresh module per 7-Zip command: the emscripten runtime exits after one callMain.
import { createHash } from 'node:crypto';
import SevenZip from '7z-wasm';
import type { FetchedFile } from './types';

export const SEVEN_ZIP_MAGIC = Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);
export const isSevenZip = (b: Buffer) => b.subarray(0, SEVEN_ZIP_MAGIC.length).equals(SEVEN_ZIP_MAGIC);

const ARCHIVE = '/in.7z';
const OUT = '/out';

interface Member {
  path: string;
  size: number;
  directory: boolean;
}

/** Runs one 7-Zip command on `archive` in a fresh in-memory file system; never prompts (stdin is EOF). */
async function sevenZip(
  archive: Buffer,
  args: string[],
): Promise<{ ok: boolean; lines: string[]; fs: { readFile(p: string): Uint8Array } }> {
  const lines: string[] = [];
  const module = await SevenZip({
    print: (s) => lines.push(s),
    printErr: (s) => lines.push(s),
    stdin: (() => null) as unknown as () => number,
  });
  module.FS.writeFile(ARCHIVE, archive);
  let ok: boolean;
  try {
    ok = (module.callMain(['-bd', '-y', ...args, ARCHIVE]) as unknown) === 0;
  } catch {
    ok = false; // 7-Zip throws (a C++ exception pointer) on some corrupt or wrongly-decrypted headers
  }
  return { ok, lines, fs: module.FS };
}

/** Members from `7z l -slt`: blocks of "Key = value" lines after the "----------" separator. */
function parseTechnicalListing(lines: string[]): Member[] {
  const start = lines.indexOf('----------');
  if (start < 0) return [];
  const members: Member[] = [];
  let current: Record<string, string> = {};
  const flush = () => {
    if (current.Path !== undefined) {
      members.push({
        path: current.Path,
        size: Number(current.Size ?? 0),
        directory: current.Folder === '+' || (current.Attributes ?? '').startsWith('D'),
      });
    }
    current = {};
  };
  for (const line of lines.slice(start + 1)) {
    const eq = line.indexOf(' = ');
    if (eq < 0) {
      flush();
      continue;
    }
    current[line.slice(0, eq)] = line.slice(eq + 3);
  }
  flush();
  return members;
}

const lastError = (lines: string[]) =>
  lines
    .filter((l) => /ERROR|Error|Wrong password|Can not open/.test(l))
    .slice(-1)[0]
    ?.trim() ?? '7-Zip failed';

/**
 * The one file inside Falcon's 7z, with the archive as its container. Whatever goes wrong (wrong
 * password, corrupt archive, not exactly one file, over maxBytes, hash not the one Falcon
 * reported) keeps the archive itself as the evidence, with a note saying why.
 */
export async function unwrapFalconSevenZip(archive: Buffer, name: string, expectedSha256: string, maxBytes: number): Promise<FetchedFile> {
  const noteBase = `7z archive as Falcon RTR returns it (password "infected"), holding ${name} (sha256 ${expectedSha256})`;
  const asContainer = (why: string): FetchedFile => ({
    bytes: archive,
    name: `${name}.7z`,
    mediaType: 'application/x-7z-compressed',
    note: `${noteBase}; not unpacked: ${why}`,
  });
  const listing = await sevenZip(archive, ['l', '-slt', '-pinfected']);
  if (!listing.ok) return asContainer(`unreadable archive (${lastError(listing.lines)})`);
  const files = parseTechnicalListing(listing.lines).filter((m) => !m.directory);
  if (files.length !== 1) return asContainer(`${files.length} files inside, expected exactly one`);
  const [member] = files as [Member];
  // 7-Zip's decoders stop at the size the headers declare, so this bounds the bytes written.
  if (!(member.size <= maxBytes)) return asContainer(`${member.path} is ${member.size} bytes, over the ${maxBytes}-byte limit`);
  const extracted = await sevenZip(archive, ['e', '-pinfected', `-o${OUT}`]);
  if (!extracted.ok) return asContainer(`extraction failed (${lastError(extracted.lines)})`);
  const memberName = member.path.split(/[\\/]/).pop() || name;
  const bytes = Buffer.from(extracted.fs.readFile(`${OUT}/${memberName}`));
  if (bytes.length > maxBytes) return asContainer(`${memberName} is over the ${maxBytes}-byte limit`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== expectedSha256.toLowerCase()) return asContainer(`the file inside has sha256 ${sha256}, not the one Falcon reported`);
  return {
    // Named as collected (the hash proves it is that file), whatever name the member carries.
    bytes,
    name,
    mediaType: 'application/octet-stream',
    container: {
      bytes: archive,
      name: `${name}.7z`,
      mediaType: 'application/x-7z-compressed',
      note: `7z (password "infected") as Falcon RTR returns a collected file, holding ${memberName}`,
    },
  };
}
