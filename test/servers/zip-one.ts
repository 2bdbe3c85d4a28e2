// A one-entry ZIP (deflated, PKWARE APPNOTE 4.3 layout: local header, data, central directory,
// end record), as Defender's GetFile result package wraps the collected file. Written by hand
// so the local server stays synchronous; the client reads it with zip.js.
import { crc32, deflateRawSync } from 'node:zlib';

export function zipOne(name: string, content: Buffer): Buffer {
  const fileName = Buffer.from(name, 'utf8');
  const data = deflateRawSync(content);
  const crc = crc32(content);
  const common = (h: Buffer, at: number) => {
    h.writeUInt16LE(20, at); // version needed
    h.writeUInt16LE(0x0800, at + 2); // UTF-8 names
    h.writeUInt16LE(8, at + 4); // deflate
    h.writeUInt32LE(0, at + 6); // time, date
    h.writeUInt32LE(crc, at + 10);
    h.writeUInt32LE(data.length, at + 14);
    h.writeUInt32LE(content.length, at + 18);
    h.writeUInt16LE(fileName.length, at + 22);
  };
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  common(local, 4);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // version made by
  common(central, 6);
  central.writeUInt32LE(0, 42); // local header offset (extra, comment, disk, attributes stay 0)
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(local.length + fileName.length + data.length, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}
