import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMetadataStore } from '../../cluster/sqlite-metadata-store.js';
import { metadataStoreConformance } from './metadata-store-conformance.js';

metadataStoreConformance('SqliteMetadataStore', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sediment-metadata-')), 'metadata.sqlite');
  return { open: async () => SqliteMetadataStore.open(path) };
});
