// The fixed-size frame of a segment file: a 16-byte header and a 32-byte footer around the sections
// and the metadata block. A reader reads the footer first to find the metadata block. See README.md.
import { crc32c } from './crc32c.js';
import { corruptSegment } from './segment-format-error.js';

export const SEGMENT_MAGIC = Buffer.from('SEDIMENT', 'ascii');
export const SEGMENT_FORMAT_VERSION = 2;
export const HEADER_BYTES = 16;
export const FOOTER_BYTES = 32;

/** Where the metadata block lives, as recorded by the footer. */
export interface FooterFields {
  /** Absolute file offset of the metadata block's first byte. */
  readonly metadataOffset: number;
  /** Length of the metadata block (UTF-8 JSON) in bytes. */
  readonly metadataLength: number;
  /** CRC-32C of the metadata block. */
  readonly metadataCrc32c: number;
}

export function encodeHeader(): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  SEGMENT_MAGIC.copy(header, 0);
  header.writeUInt32LE(SEGMENT_FORMAT_VERSION, 8);
  header.writeUInt32LE(crc32c(header.subarray(0, 12)), 12);
  return header;
}

export function decodeHeader(header: Buffer): void {
  if (!header.subarray(0, 8).equals(SEGMENT_MAGIC)) throw corruptSegment('header: not a Sediment segment (bad magic)');
  if (header.readUInt32LE(12) !== crc32c(header.subarray(0, 12))) throw corruptSegment('header: CRC32C mismatch');
  const version = header.readUInt32LE(8);
  if (version !== SEGMENT_FORMAT_VERSION) {
    throw corruptSegment(`header: unsupported format version ${version} (this reader handles ${SEGMENT_FORMAT_VERSION})`);
  }
}

export function encodeFooter(fields: FooterFields): Buffer {
  const footer = Buffer.alloc(FOOTER_BYTES);
  footer.writeBigUInt64LE(BigInt(fields.metadataOffset), 0);
  footer.writeBigUInt64LE(BigInt(fields.metadataLength), 8);
  footer.writeUInt32LE(fields.metadataCrc32c, 16);
  footer.writeUInt32LE(crc32c(footer.subarray(0, 20)), 20);
  SEGMENT_MAGIC.copy(footer, 24);
  return footer;
}

/** Decodes the footer of a file of `fileSizeBytes` bytes and checks the metadata block fits before it. */
export function decodeFooter(footer: Buffer, fileSizeBytes: number): FooterFields {
  if (!footer.subarray(24, 32).equals(SEGMENT_MAGIC)) {
    throw corruptSegment('footer: trailing magic missing (file truncated or not a Sediment segment)');
  }
  if (footer.readUInt32LE(20) !== crc32c(footer.subarray(0, 20))) throw corruptSegment('footer: CRC32C mismatch');
  const metadataOffset = Number(footer.readBigUInt64LE(0));
  const metadataLength = Number(footer.readBigUInt64LE(8));
  if (metadataOffset < HEADER_BYTES || metadataOffset + metadataLength !== fileSizeBytes - FOOTER_BYTES) {
    throw corruptSegment(`footer: metadata block [${metadataOffset}, +${metadataLength}) does not end at the footer`);
  }
  return { metadataOffset, metadataLength, metadataCrc32c: footer.readUInt32LE(16) };
}
