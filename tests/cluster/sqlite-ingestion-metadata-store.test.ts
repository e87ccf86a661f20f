import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMetadataStore } from '../../cluster/sqlite-metadata-store.js';
import { ingestionMetadataStoreConformance } from './ingestion-metadata-store-conformance.js';

ingestionMetadataStoreConformance('SqliteMetadataStore', async () =>
  SqliteMetadataStore.open(join(mkdtempSync(join(tmpdir(), 'sediment-ingestion-metadata-')), 'metadata.sqlite')),
);
