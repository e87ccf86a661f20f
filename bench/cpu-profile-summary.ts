// Reads a V8 .cpuprofile (written by `node --cpu-prof`) and lists the functions with the most self
// time, idle time excluded, so the report says where Sediment's CPU went.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProfileEntry } from './bench-report.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function shortUrl(url: string): string {
  const marker = url.lastIndexOf('/dist/');
  if (marker !== -1) return url.slice(marker + 6);
  const slash = url.lastIndexOf('/');
  return slash === -1 ? url : url.slice(slash + 1);
}

/** The `top` functions by self time in one profile. */
export function summarizeProfile(profile: CpuProfile, top: number): ProfileEntry[] {
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, { functionName: string; location: string; micros: number }>();
  let totalMicros = 0;
  profile.samples.forEach((nodeId, index) => {
    const node = nodeById.get(nodeId);
    const delta = profile.timeDeltas[index] ?? 0;
    if (node === undefined || node.callFrame.functionName === '(idle)') return;
    totalMicros += delta;
    const functionName = node.callFrame.functionName === '' ? '(anonymous)' : node.callFrame.functionName;
    const location = node.callFrame.url === '' ? '' : `${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    const key = `${functionName}@${location}`;
    const entry = selfMicros.get(key) ?? { functionName, location, micros: 0 };
    entry.micros += delta;
    selfMicros.set(key, entry);
  });
  return [...selfMicros.values()]
    .sort((left, right) => right.micros - left.micros)
    .slice(0, top)
    .map((entry) => ({
      functionName: entry.functionName,
      location: entry.location,
      selfMs: entry.micros / 1000,
      selfPercent: totalMicros === 0 ? 0 : (100 * entry.micros) / totalMicros,
    }));
}

/** Summarizes the first .cpuprofile found in `directory`; null when there is none. */
export async function summarizeProfileDirectory(directory: string, top: number): Promise<ProfileEntry[] | null> {
  const files = (await readdir(directory).catch(() => [] as string[])).filter((file) => file.endsWith('.cpuprofile')).sort();
  if (files.length === 0) return null;
  const profile = JSON.parse(await readFile(join(directory, files[0] as string), 'utf8')) as CpuProfile;
  return summarizeProfile(profile, top);
}
