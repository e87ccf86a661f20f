// Peak resident memory of a child process, from Linux's /proc. VmHWM is the high-water mark of the
// resident set; writing "5" to clear_refs resets it, so one process can report separate peaks for
// loading and for querying.
import { readFile, writeFile } from 'node:fs/promises';

/** VmHWM of `pid` in bytes, or null where /proc is not available. */
export async function peakResidentBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

/** Resets the peak to the current resident size; false when the kernel refuses. */
export async function resetPeakResident(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
