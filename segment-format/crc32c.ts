// CRC-32C (Castagnoli) of stored bytes; every section, the header, the metadata block and the footer
// carry one. The native implementation runs at memory speed, so checking on load is cheap.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `bytes` as an unsigned 32-bit integer; pass a previous result to continue a running CRC. */
export function crc32c(bytes: Uint8Array, previous?: number): number {
  return nativeCrc32c(bytes, previous) >>> 0;
}
