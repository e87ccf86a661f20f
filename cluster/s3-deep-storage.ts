// Deep storage in an S3 bucket (or anything that speaks S3: MinIO, s3rver in tests). A PUT, and the
// completion of a multipart upload, make an object visible whole, so readers never see a partial
// segment; a pull streams to a temporary file beside the target and renames it over the target.
import { randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { SedimentError, invalidInput } from './errors.js';
import type { DeepStorage } from './deep-storage.js';
import { validateDeepStorageKey } from './deep-storage-key.js';

export interface S3DeepStorageOptions {
  /** The bucket; it must exist. */
  readonly bucket: string;
  /** Prepended to every key as `${prefix}/${key}`; leading and trailing '/' are ignored. Default: none. */
  readonly prefix?: string;
  /** A non-AWS endpoint such as `http://127.0.0.1:9000`. Default: AWS for the region. */
  readonly endpoint?: string;
  /** Default: the SDK's resolution (AWS_REGION, the shared config file). */
  readonly region?: string;
  /** `bucket` in the path rather than the host name; most non-AWS servers need it. Default false. */
  readonly forcePathStyle?: boolean;
  /** Default: the SDK's credential chain (environment, shared files, instance or task role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** 'WHEN_REQUIRED' for servers that mishandle checksum trailers (s3rver). Default 'WHEN_SUPPORTED'. */
  readonly requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /** Default 'WHEN_SUPPORTED'. */
  readonly responseChecksumValidation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /** Files larger than this are uploaded in parts. At least 5 MiB (S3's smallest part). Default 64 MiB. */
  readonly multipartThresholdBytes?: number;
  /** Keys per ListObjectsV2 page, 1 to 1000. Default 1000. */
  readonly listPageSize?: number;
}

const mebibyte = 1024 * 1024;
/** S3 rejects parts smaller than this, except the last. */
const minimumPartSizeBytes = 5 * mebibyte;
/** S3 allows at most this many parts per upload. */
const maximumParts = 10_000;
const defaultMultipartThresholdBytes = 64 * mebibyte;
/** Parts in flight per upload; memory per upload is up to this × the part size. */
const uploadConcurrency = 4;
/** Default part size: 4 in flight × 16 MiB bounds an upload's buffers at 64 MiB. */
const defaultPartSizeBytes = 16 * mebibyte;
const maximumListPageSize = 1000;
const connectionTimeoutMs = 10_000;
/** A transfer that moves no bytes for this long is abandoned (and retried by the SDK). */
const socketIdleTimeoutMs = 120_000;

export class S3DeepStorage implements DeepStorage {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly multipartThresholdBytes: number;
  private readonly listPageSize: number;

  constructor(options: S3DeepStorageOptions) {
    validateOptions(options);
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.keyPrefix = prefix === '' ? '' : `${prefix}/`;
    this.multipartThresholdBytes = options.multipartThresholdBytes ?? defaultMultipartThresholdBytes;
    this.listPageSize = options.listPageSize ?? maximumListPageSize;
    this.client = new S3Client({
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      forcePathStyle: options.forcePathStyle ?? false,
      requestChecksumCalculation: options.requestChecksumCalculation ?? 'WHEN_SUPPORTED',
      responseChecksumValidation: options.responseChecksumValidation ?? 'WHEN_SUPPORTED',
      requestHandler: { connectionTimeout: connectionTimeoutMs, socketTimeout: socketIdleTimeoutMs },
    });
  }

  async push(localPath: string, key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    const sizeBytes = await fileSize(localPath);
    if (sizeBytes <= this.multipartThresholdBytes) {
      const body = createReadStream(localPath);
      try {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: body, ContentLength: sizeBytes }));
      } finally {
        body.destroy();
      }
      return;
    }
    await this.pushInParts(localPath, objectKey, sizeBytes);
  }

  async pull(key: string, localPath: string): Promise<void> {
    const objectKey = this.objectKey(key);
    const target = resolve(localPath);
    await mkdir(dirname(target), { recursive: true });
    let response;
    try {
      response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      if (isNotFound(error)) throw new SedimentError('not_found', `deep storage has no object under key ${key}`, { cause: error });
      throw error;
    }
    const body = response.Body;
    if (!(body instanceof Readable)) throw new SedimentError('internal', `assertion failed: S3 GetObject body of ${key} is a Node stream`);
    await writeAtomically(body, target, response.ContentLength, key);
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 whether or not the key existed, so a repeated delete is not an error.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Keys (relative to the storage prefix, in S3's byte order) that start with `prefix`, following
   * continuation tokens across pages. Lists by prefix without a delimiter, so no depth is missed.
   */
  async list(prefix: string): Promise<string[]> {
    if (typeof prefix !== 'string') throw invalidInput('prefix', 'must be a string');
    const keys: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.keyPrefix + prefix,
          MaxKeys: this.listPageSize,
          ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) keys.push(object.Key.slice(this.keyPrefix.length));
      }
      continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      if (page.IsTruncated === true && continuationToken === undefined) {
        throw new SedimentError('internal', `assertion failed: a truncated S3 listing of ${prefix} carries a continuation token`);
      }
    } while (continuationToken !== undefined);
    return keys;
  }

  /** Release the HTTP connections. */
  close(): void {
    this.client.destroy();
  }

  private async pushInParts(localPath: string, objectKey: string, sizeBytes: number): Promise<void> {
    const partSizeBytes = Math.max(
      minimumPartSizeBytes,
      Math.min(this.multipartThresholdBytes, defaultPartSizeBytes),
      Math.ceil(sizeBytes / maximumParts),
    );
    const body = createReadStream(localPath);
    // leavePartsOnError false: a failed upload is aborted, so no orphaned parts accrue storage cost.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: objectKey, Body: body, ContentLength: sizeBytes },
      partSize: partSizeBytes,
      queueSize: uploadConcurrency,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } finally {
      body.destroy();
    }
  }

  private objectKey(key: string): string {
    validateDeepStorageKey(key);
    return this.keyPrefix + key;
  }
}

function validateOptions(options: S3DeepStorageOptions): void {
  if (typeof options.bucket !== 'string' || options.bucket === '') throw invalidInput('bucket', 'must be a non-empty string');
  const threshold = options.multipartThresholdBytes;
  if (threshold !== undefined && (!Number.isSafeInteger(threshold) || threshold < minimumPartSizeBytes)) {
    throw invalidInput('multipartThresholdBytes', `must be an integer of at least ${minimumPartSizeBytes} (5 MiB, S3's smallest part)`);
  }
  const pageSize = options.listPageSize;
  if (pageSize !== undefined && (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > maximumListPageSize)) {
    throw invalidInput('listPageSize', `must be an integer from 1 to ${maximumListPageSize}`);
  }
}

/** Stream `body` to a temporary file beside `target`, check its length, fsync, rename over `target`. */
async function writeAtomically(body: Readable, target: string, expectedBytes: number | undefined, key: string): Promise<void> {
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await pipeline(body, createWriteStream(temporary, { flags: 'wx' }));
    const writtenBytes = (await stat(temporary)).size;
    if (expectedBytes !== undefined && writtenBytes !== expectedBytes) {
      throw new SedimentError('internal', `S3 object ${key} arrived truncated: ${writtenBytes} of ${expectedBytes} bytes`);
    }
    await fsyncPath(temporary, constants.O_RDONLY);
    await rename(temporary, target);
  } catch (error) {
    body.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
  await fsyncPath(dirname(target), constants.O_RDONLY | constants.O_DIRECTORY);
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
      throw new SedimentError('not_found', `cannot push ${path}: it does not exist`, { cause: error });
    }
    throw error;
  }
}

async function fsyncPath(path: string, flags: number): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * GetObject says NoSuchKey; HeadObject, having no body, only the 404 status. A missing bucket is a
 * configuration error, not a missing object, and stays loud where S3 names it.
 */
function isNotFound(error: unknown): boolean {
  const candidate = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  if (candidate?.name === 'NoSuchBucket') return false;
  return candidate?.name === 'NoSuchKey' || candidate?.name === 'NotFound' || candidate?.$metadata?.httpStatusCode === 404;
}
