// The outside-world seams a configured process uses: metadata store, deep storage, discovery.
import type { SedimentConfig } from '../../cluster/config.js';
import type { DeepStorage } from '../../cluster/deep-storage.js';
import type { Discovery } from '../../cluster/discovery.js';
import { InProcessDiscovery } from '../../cluster/in-process-discovery.js';
import type { IngestionMetadataStore } from '../../cluster/ingestion-metadata-store.js';
import { LocalDeepStorage } from '../../cluster/local-deep-storage.js';
import type { Logger } from '../../cluster/logger.js';
import type { MetadataStore } from '../../cluster/metadata-store.js';
import { PostgresMetadataStore } from '../../cluster/postgres-metadata-store.js';
import { S3DeepStorage } from '../../cluster/s3-deep-storage.js';
import { SqliteMetadataStore } from '../../cluster/sqlite-metadata-store.js';
import { ZookeeperDiscovery } from '../../cluster/zookeeper-discovery.js';

/** The configured metadata store; both kinds also hold the streaming supervisors' state. */
export async function openMetadataStore(config: SedimentConfig, log: Logger): Promise<MetadataStore & IngestionMetadataStore> {
  if (config.metadata.type === 'postgres') return PostgresMetadataStore.open({ connectionString: config.metadata.connectionString! }, log);
  return SqliteMetadataStore.open(config.metadata.path);
}

export function openDeepStorage(config: SedimentConfig): DeepStorage {
  const settings = config.deepStorage;
  if (settings.type === 'local') return new LocalDeepStorage(settings.dir);
  return new S3DeepStorage({
    bucket: settings.bucket!,
    ...(settings.prefix === undefined ? {} : { prefix: settings.prefix }),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.region === undefined ? {} : { region: settings.region }),
    ...(settings.forcePathStyle === undefined ? {} : { forcePathStyle: settings.forcePathStyle }),
    ...(settings.accessKeyId === undefined || settings.secretAccessKey === undefined ? {} : { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }),
    ...(settings.checksumsWhenRequired === true ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  });
}

/** ZooKeeper when a connect string is configured, else in-process (every role in this process). */
export async function openDiscovery(config: SedimentConfig, log: Logger): Promise<Discovery> {
  if (config.zookeeper.connectString === '') return new InProcessDiscovery();
  return ZookeeperDiscovery.open({ connectString: config.zookeeper.connectString, basePath: config.zookeeper.basePath, sessionTimeoutMs: config.zookeeper.sessionTimeoutMs, log });
}
