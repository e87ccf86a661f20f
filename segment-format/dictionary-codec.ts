// Raw payload of a string column's dictionary section (before block compression), little-endian:
//   u32 entryCount            dictionary size, null included
//   u32 flags                 bit 0: id 0 is null
//   u32 byteOffsets[n + 1]    n = entryCount - (null ? 1 : 0); value i's UTF-8 bytes are
//                             data[byteOffsets[i], byteOffsets[i+1])
//   data                      the non-null values' UTF-8 bytes, concatenated in id order
import type { Dictionary } from './columns.js';
import { corruptSegment, invalidSegmentInput } from './segment-format-error.js';

const FLAG_NULL_FIRST = 1;

/** Validates the dictionary's contract (sorted, unique, null only first, well-formed UTF-16) and encodes it. */
export function encodeDictionary(dictionary: Dictionary, columnName: string): Uint8Array {
  const hasNull = dictionary.length > 0 && dictionary[0] === null;
  const valueCount = dictionary.length - (hasNull ? 1 : 0);
  let maximumBytes = 0;
  for (let id = hasNull ? 1 : 0; id < dictionary.length; id++) {
    const value = dictionary[id];
    if (typeof value !== 'string') throw invalidSegmentInput(`column ${columnName}: dictionary[${id}] must be a string (null only at id 0)`);
    if (!isWellFormed(value)) throw invalidSegmentInput(`column ${columnName}: dictionary[${id}] has an unpaired UTF-16 surrogate`);
    const previous = dictionary[id - 1];
    if (id > 0 && typeof previous === 'string' && !(previous < value)) {
      throw invalidSegmentInput(`column ${columnName}: dictionary is not strictly ascending at id ${id}`);
    }
    maximumBytes += value.length * 3;
  }
  const headerBytes = 8 + 4 * (valueCount + 1);
  const payload = Buffer.allocUnsafe(headerBytes + maximumBytes);
  payload.writeUInt32LE(dictionary.length, 0);
  payload.writeUInt32LE(hasNull ? FLAG_NULL_FIRST : 0, 4);
  let cursor = headerBytes;
  payload.writeUInt32LE(0, 8);
  for (let index = 0; index < valueCount; index++) {
    const value = dictionary[index + (hasNull ? 1 : 0)] as string;
    cursor += payload.write(value, cursor, 'utf8');
    payload.writeUInt32LE(cursor - headerBytes, 8 + 4 * (index + 1));
  }
  return payload.subarray(0, cursor);
}

/** Decodes a dictionary payload; `label` names the section in errors. */
export function decodeDictionary(raw: Uint8Array, label: string): Dictionary {
  const payload = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (payload.length < 12) throw corruptSegment(`${label}: dictionary payload too short`);
  const entryCount = payload.readUInt32LE(0);
  const hasNull = (payload.readUInt32LE(4) & FLAG_NULL_FIRST) !== 0;
  const valueCount = entryCount - (hasNull ? 1 : 0);
  const headerBytes = 8 + 4 * (valueCount + 1);
  if (valueCount < 0 || headerBytes > payload.length) throw corruptSegment(`${label}: dictionary offset table runs past the payload`);
  const dataLength = payload.length - headerBytes;
  const dictionary: (string | null)[] = new Array<string | null>(entryCount);
  if (hasNull) dictionary[0] = null;
  let start = payload.readUInt32LE(8);
  for (let index = 0; index < valueCount; index++) {
    const end = payload.readUInt32LE(8 + 4 * (index + 1));
    if (end < start || end > dataLength) throw corruptSegment(`${label}: dictionary value ${index} has bad offsets`);
    dictionary[index + (hasNull ? 1 : 0)] = payload.toString('utf8', headerBytes + start, headerBytes + end);
    start = end;
  }
  if (start !== dataLength) throw corruptSegment(`${label}: dictionary has ${dataLength - start} trailing bytes`);
  return dictionary;
}

function isWellFormed(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}
