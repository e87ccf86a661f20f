// Check of a segment file: header, footer and metadata (by opening it), every section's CRC32C and
// the order of __time; the full check also decodes every column (every bitmap included). Reports
// all problems, not the first. Checksums catch what storage and transfer damage; the full decode
// (`sediment segments verify`) also catches what a faulty writer produced, at several times the cost
// (0.5 s for a 1M-row segment with a 100k-value dimension), so loading a segment does only the first.
import { openSegment, type SegmentFile } from './segment-reader.js';

export interface SegmentVerification {
  /** True when no problem was found. */
  readonly ok: boolean;
  /** One human-readable line per problem, naming the section or field. */
  readonly problems: string[];
}

/** `checksums`: every section's CRC32C and __time's order; `full`: also decode every column and bitmap. */
export type VerificationDepth = 'checksums' | 'full';

export async function verifySegment(path: string, depth: VerificationDepth = 'full'): Promise<SegmentVerification> {
  let file: SegmentFile;
  try {
    file = await openSegment(path);
  } catch (error) {
    return { ok: false, problems: [messageOf(error)] };
  }
  try {
    const problems = [...checkTime(file), ...file.metadata.columns.flatMap((column) => checkColumn(file, column.name, depth))];
    return { ok: problems.length === 0, problems };
  } finally {
    file.close();
  }
}

function checkTime(file: SegmentFile): string[] {
  const problem = attempt(() => {
    const time = file.time();
    for (let row = 1; row < time.length; row++) {
      if (time[row]! < time[row - 1]!) throw new Error(`section __time: not sorted at row ${row}`);
    }
  });
  return problem === null ? [] : [problem];
}

function checkColumn(file: SegmentFile, name: string, depth: VerificationDepth): string[] {
  const descriptor = file.metadata.columns.find((column) => column.name === name)!;
  const checksumProblems: string[] = [];
  for (const [sectionName, section] of Object.entries(descriptor.sections)) {
    const problem = attempt(() => file.readSection(section, `column ${name} section ${sectionName}`));
    if (problem !== null) checksumProblems.push(problem);
  }
  if (checksumProblems.length > 0 || depth === 'checksums') return checksumProblems;
  const problem = attempt(() => {
    const column = file.column(name)!;
    if (column.kind === 'string') for (let id = 0; id < column.dictionary.length; id++) column.bitmap(id);
  });
  return problem === null ? [] : [problem];
}

function attempt(action: () => unknown): string | null {
  try {
    action();
    return null;
  } catch (error) {
    return messageOf(error);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
