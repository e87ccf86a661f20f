// How column decoders get their sections: CRC-checked stored bytes by section name.

export interface SectionSource {
  /** Name of the column, for error messages. */
  readonly columnName: string;
  /** True if the column has this (optional) section. */
  has(sectionName: string): boolean;
  /**
   * The section's stored bytes, read from the file and CRC-checked; throws corrupt_segment naming the
   * section if the checksum fails. Each call reads the file again: callers cache what they decode.
   */
  read(sectionName: string): Uint8Array;
  /** A label "column X section Y" for errors raised while decoding the section. */
  label(sectionName: string): string;
}
