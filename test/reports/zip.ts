// Reads one entry of a .docx/.xlsx (a zip) with node:zlib, to check the XML a reader's word processor sees.
import { inflateRawSync } from 'node:zlib';

/** The text of `name` in the zip `buffer`, found through the central directory. */
export function zipEntry(buffer: Buffer, name: string): string {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let offset = buffer.readUInt32LE(end + 16);
  for (let entries = buffer.readUInt16LE(end + 10); entries > 0; entries--) {
    const method = buffer.readUInt16LE(offset + 10);
    const size = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extra = buffer.readUInt16LE(offset + 30) + buffer.readUInt16LE(offset + 32);
    const local = buffer.readUInt32LE(offset + 42);
    if (buffer.toString('utf8', offset + 46, offset + 46 + nameLength) === name) {
      const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
      const data = buffer.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    offset += 46 + nameLength + extra;
  }
  throw new Error(`${name} not in the archive`);
}
