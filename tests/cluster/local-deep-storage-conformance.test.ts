import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDeepStorage } from '../../cluster/local-deep-storage.js';
import { deepStorageConformance } from './deep-storage-conformance.js';

deepStorageConformance('LocalDeepStorage', async () => new LocalDeepStorage(join(mkdtempSync(join(tmpdir(), 'sediment-deep-')), 'deep')));
