// The outside-world seams a configured process uses: metadata store, deep storage, discovery.
import type { SedimentConfig } from '../../cluster/config.js';
import type { DeepStorage } from '../../cluster/deep-storage.js';
import type { Discovery } from '../../cluster/discovery.js';
import { InProcessDiscovery } from '../../cluster/in-process-discovery.js';
import type { IngestionMetadataStore } from '../../cluster/ingestion-metadata-store.js';
import { LocalDeepStorage } from '../../cluster/local-deep-storage.js';
import type { Logger } from '../../cluster/logger.js';
import type { MetadataStore } from '../../cluster/metadata-store.js';
import { SqliteMetadataStore } from '../../cluster/sqlite-metadata-store.js';

// PostgreSQL, S3 and ZooKeeper clients load only when configured: together they are ~300 ms of
// start-up the embedded defaults do not need.

/** The configured metadata store; both kinds also hold the streaming supervisors' state. */
export async function openMetadataStore(config: SedimentConfig, log: Logger): Promise<MetadataStore & IngestionMetadataStore> {
  if (config.metadata.type === 'postgres') {
    const { PostgresMetadataStore } = await import('../../cluster/postgres-metadata-store.js');
    return PostgresMetadataStore.open({ connectionString: config.metadata.connectionString! }, log);
  }
  return SqliteMetadataStore.open(config.metadata.path);
}

export async function openDeepStorage(config: SedimentConfig): Promise<DeepStorage> {
  const settings = config.deepStorage;
  if (settings.type === 'local') return new LocalDeepStorage(settings.dir);
  const { S3DeepStorage } = await import('../../cluster/s3-deep-storage.js');
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
  const { ZookeeperDiscovery } = await import('../../cluster/zookeeper-discovery.js');
  return ZookeeperDiscovery.open({ connectString: config.zookeeper.connectString, basePath: config.zookeeper.basePath, sessionTimeoutMs: config.zookeeper.sessionTimeoutMs, log });
}
