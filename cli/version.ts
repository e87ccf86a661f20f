// The version reported by /status and `sediment --version`, read from package.json at run time.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return packageJson.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const sedimentVersion: string = readVersion();
