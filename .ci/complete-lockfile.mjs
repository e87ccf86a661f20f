// The npm registry reachable from these machines does not serve DuckDB's prebuilt bindings for
// other platforms (404), so npm never records their lockfile entries, and `npm ci` then refuses the
// lockfile as out of sync. This adds each missing binding as an optional entry for its real
// platform: npm skips it on any other platform without fetching it. Idempotent.
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const platforms = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm64': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  'linux-x64': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  'linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  'win32-arm64': { os: ['win32'], cpu: ['arm64'] },
  'win32-x64': { os: ['win32'], cpu: ['x64'] },
};
const added = [];
for (const [key, entry] of Object.entries(packages)) {
  if (!key.endsWith('node_modules/@duckdb/node-bindings')) continue;
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    const target = `${key.slice(0, -'@duckdb/node-bindings'.length)}${name}`;
    if (packages[target] !== undefined) continue;
    const platform = platforms[name.split('node-bindings-')[1]];
    if (platform === undefined) throw new Error(`unknown DuckDB binding platform: ${name}`);
    packages[target] = { version: entry.version, ...platform, dev: entry.dev === true, license: 'MIT', optional: true };
    added.push(name);
  }
}
if (added.length > 0) {
  const sorted = { '': packages[''] };
  for (const key of Object.keys(packages).filter((key) => key !== '').sort()) sorted[key] = packages[key];
  lock.packages = sorted;
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`completed lockfile with ${added.join(', ')}`);
}
