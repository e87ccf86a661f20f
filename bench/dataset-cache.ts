// Generated files are large (1.5 GB at the default events scale) and deterministic, so they are kept
// under the cache directory and reused when a file with the same generator version and parameters
// already exists. A sidecar records the row count and size once generation completed.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface GeneratedFile {
  /** Absolute path of the newline-delimited JSON file. */
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

interface Sidecar {
  readonly rows: number;
  readonly bytes: number;
}

/**
 * Returns the cached file named `fileName` in `cacheDir`, generating it first when it is missing or
 * incomplete. `generate` writes the file at the given path and returns its row count and size.
 */
export async function cachedFile(
  cacheDir: string,
  fileName: string,
  generate: (path: string) => Promise<Sidecar>,
  log: (line: string) => void,
): Promise<GeneratedFile> {
  await mkdir(cacheDir, { recursive: true });
  const path = join(cacheDir, fileName);
  const sidecarPath = `${path}.meta.json`;
  const existing = await readSidecar(path, sidecarPath);
  if (existing !== null) {
    log(`using cached ${path} (${existing.rows} rows)`);
    return { path, ...existing };
  }
  log(`generating ${path} …`);
  const startedMs = performance.now();
  const generated = await generate(path);
  await writeFile(sidecarPath, JSON.stringify(generated));
  log(`generated ${generated.rows} rows, ${(generated.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
  return { path, ...generated };
}

async function readSidecar(path: string, sidecarPath: string): Promise<Sidecar | null> {
  try {
    const sidecar = JSON.parse(await readFile(sidecarPath, 'utf8')) as Sidecar;
    const file = await stat(path);
    return file.size === sidecar.bytes ? sidecar : null;
  } catch {
    return null;
  }
}
