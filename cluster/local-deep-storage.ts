// Deep storage in a local directory: the embedded default. Writes go to a temporary name beside the
// target, are fsynced, then renamed over it, and the directory is fsynced, so a reader never sees a
// partial file and an acknowledged push survives a crash.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { SedimentError, invalidInput } from './errors.js';
import type { DeepStorage } from './deep-storage.js';
import { validateDeepStorageKey } from './deep-storage-key.js';

export class LocalDeepStorage implements DeepStorage {
  private readonly rootDir: string;

  /** `rootDir` is created on first push. */
  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  async push(localPath: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    await copyAtomically(localPath, target);
  }

  async pull(key: string, localPath: string): Promise<void> {
    const source = this.pathOf(key);
    try {
      await stat(source);
    } catch (error) {
      if (isMissing(error)) throw new SedimentError('not_found', `deep storage has no object under key ${key}`);
      throw error;
    }
    await mkdir(dirname(resolve(localPath)), { recursive: true });
    await copyAtomically(source, resolve(localPath));
  }

  async delete(key: string): Promise<void> {
    const target = this.pathOf(key);
    await rm(target, { force: true });
    await this.removeEmptyParents(dirname(target));
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** The file path of `key`; rejects keys that could escape the root. */
  private pathOf(key: string): string {
    validateDeepStorageKey(key);
    const path = join(this.rootDir, ...key.split('/'));
    if (!path.startsWith(this.rootDir + sep)) throw invalidInput('key', `${JSON.stringify(key)} escapes the deep storage root`);
    return path;
  }

  /** Prune the per-segment directories a delete leaves empty, stopping at the root. */
  private async removeEmptyParents(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.rootDir + sep)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (or already gone, or raced with a push): stop pruning
      }
      current = dirname(current);
    }
  }
}

async function copyAtomically(source: string, target: string): Promise<void> {
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await copyFile(source, temporary);
    await fsyncPath(temporary, constants.O_RDONLY);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    if (isMissing(error)) throw new SedimentError('not_found', `cannot copy ${source}: it does not exist`, { cause: error });
    throw error;
  }
  await fsyncPath(dirname(target), constants.O_RDONLY | constants.O_DIRECTORY);
}

async function fsyncPath(path: string, flags: number): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
