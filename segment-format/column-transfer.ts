// Columns and encoded columns as worker-thread messages, so segment columns can be encoded on other
// threads (writeEncodedSegment). Typed arrays are transferred, not copied, when they span their whole
// buffer; a view into a larger buffer is copied first, because structured clone would otherwise copy
// the whole buffer behind it. Roaring bitmaps do not cross threads: nulls travel as row lists.
import RoaringModule from 'roaring';
import type { ColumnData, ComplexColumnData, MultiValueStringColumnData, StringColumnData } from './columns.js';
import type { EncodedColumn } from './encoded-column.js';

const { RoaringBitmap32 } = RoaringModule;

/** A numeric column with its null rows as a plain ascending row list. */
export interface TransferredNumericColumn {
  readonly kind: 'long' | 'float' | 'double';
  readonly values: Float64Array | Float32Array;
  /** Ascending null rows; null when the column has none. */
  readonly nullRows: Uint32Array | null;
}

/** A ColumnData that survives structured clone unchanged. */
export type TransferredColumn = StringColumnData | MultiValueStringColumnData | ComplexColumnData | TransferredNumericColumn;

/** A message and the buffers to transfer with it. */
export interface Transfer<T> {
  readonly message: T;
  readonly transferList: ArrayBuffer[];
}

/**
 * The column as a message. Its typed arrays that span their whole buffer are transferred: the caller
 * must not use `column` afterwards.
 */
export function columnMessage(column: ColumnData): Transfer<TransferredColumn> {
  const transferList: ArrayBuffer[] = [];
  switch (column.kind) {
    case 'string':
      if (!column.multiValue) return { message: { ...column, ids: owned(column.ids, transferList) }, transferList };
      return { message: { ...column, offsets: owned(column.offsets, transferList), ids: owned(column.ids, transferList) }, transferList };
    case 'long':
    case 'float':
    case 'double': {
      const nullRows = column.nulls === null ? null : column.nulls.toUint32Array();
      if (nullRows !== null) transferList.push(nullRows.buffer as ArrayBuffer);
      return { message: { kind: column.kind, values: owned(column.values, transferList), nullRows }, transferList };
    }
    case 'hyperUnique':
      return { message: column, transferList };
  }
}

/** The column a columnMessage carried. */
export function columnFromMessage(message: TransferredColumn): ColumnData {
  switch (message.kind) {
    case 'long':
    case 'float':
    case 'double':
      return { kind: message.kind, values: message.values, nulls: message.nullRows === null ? null : new RoaringBitmap32(message.nullRows) };
    default:
      return message;
  }
}

/** The encoded column as a message; its section bytes are transferred (the sender must drop them). */
export function encodedColumnMessage(encoded: EncodedColumn): Transfer<EncodedColumn> {
  const transferList: ArrayBuffer[] = [];
  const sections = encoded.sections.map(([name, bytes]) => [name, owned(bytes, transferList)] as const);
  return { message: { ...encoded, sections }, transferList };
}

/** `array` itself when it spans its whole (non-shared) buffer, which joins the transfer list; else a copy that does. */
function owned<T extends Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array>(array: T, transferList: ArrayBuffer[]): T {
  const buffer = array.buffer;
  const whole = buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.byteLength === buffer.byteLength && !transferList.includes(buffer);
  const result = whole ? array : (array.slice() as T);
  transferList.push(result.buffer as ArrayBuffer);
  return result;
}
