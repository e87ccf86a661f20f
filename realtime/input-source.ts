// Druid input sources: `local` (files under baseDir matching a wildcard filter, and/or a file list)
// and `inline` (the data in the spec). Each yields entities that are opened as byte streams.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import picomatch from 'picomatch';
import { invalidInput, SedimentError } from '../cluster/errors.js';
import { optionalString, optionalStringArray, requireObject } from './spec-fields.js';

export type InputSourceSpec =
  | { readonly type: 'local'; readonly baseDir: string | null; readonly filter: string | null; readonly files: readonly string[] }
  | { readonly type: 'inline'; readonly data: string };

/** One input file (or the inline data): its name for messages, size for progress, and how to read it. */
export interface InputEntity {
  /** Path (local) or "inline"; parse-exception messages name it. */
  readonly name: string;
  /** Stored size in bytes (compressed size for .gz). */
  readonly sizeBytes: number;
  /** True when the bytes are gzip-compressed (decided by the .gz extension). */
  readonly gzipped: boolean;
  /** The local file's absolute path (workers open byte ranges of it), or null for inline data. */
  readonly filePath: string | null;
  /** A fresh stream of the stored bytes. */
  open(): Readable;
}

export function parseInputSource(json: unknown, path: string): InputSourceSpec {
  const object = requireObject(json, path);
  const type = object['type'];
  if (type === 'inline') {
    const data = object['data'];
    if (typeof data !== 'string') throw invalidInput(`${path}.data`, 'must be a string');
    return { type, data };
  }
  if (type === 'local') {
    const baseDir = optionalString(object, 'baseDir', path);
    const filter = optionalString(object, 'filter', path);
    const files = optionalStringArray(object, 'files', path);
    if (baseDir === null && files.length === 0) throw invalidInput(path, "a local input source needs 'baseDir' (with 'filter') or 'files'");
    return { type, baseDir, filter, files };
  }
  if (typeof type === 'string' && ['s3', 'gs', 'azure', 'hdfs', 'http', 'druid', 'sql', 'combining', 'google'].includes(type)) {
    throw new SedimentError('unsupported', `${path}.type: input source '${type}' is not supported (use 'local' or 'inline')`);
  }
  throw invalidInput(`${path}.type`, `unknown input source type '${String(type)}' (expected 'local' or 'inline')`);
}

async function walk(directory: string, path: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true, recursive: true });
  } catch (error) {
    throw invalidInput(`${path}.baseDir`, `cannot read directory '${directory}': ${(error as Error).message}`);
  }
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

async function localEntity(file: string, path: string): Promise<InputEntity> {
  let sizeBytes: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a regular file');
    sizeBytes = info.size;
  } catch (error) {
    throw invalidInput(path, `cannot read input file '${file}': ${(error as Error).message}`);
  }
  return { name: file, sizeBytes, gzipped: file.endsWith('.gz'), filePath: file, open: () => createReadStream(file) };
}

/** The entities of an input source, files in path order. */
export async function listInputEntities(spec: InputSourceSpec, path: string): Promise<InputEntity[]> {
  if (spec.type === 'inline') {
    const bytes = Buffer.from(spec.data, 'utf8');
    return [{ name: 'inline', sizeBytes: bytes.length, gzipped: false, filePath: null, open: () => Readable.from([bytes]) }];
  }
  const files = new Set<string>();
  if (spec.baseDir !== null) {
    const matches = picomatch(spec.filter ?? '*', { dot: true });
    for (const file of await walk(resolve(spec.baseDir), path)) if (matches(basename(file))) files.add(file);
  }
  const listed = new Map(spec.files.map((file, index) => [resolve(file), `${path}.files[${index}]`]));
  for (const file of listed.keys()) files.add(file);
  const entities: InputEntity[] = [];
  for (const file of [...files].sort()) entities.push(await localEntity(file, listed.get(file) ?? `${path}.baseDir`));
  return entities;
}
