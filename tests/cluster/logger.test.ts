import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../cluster/logger.js';

describe('createLogger', () => {
  it('takes its level from SEDIMENT_LOG_LEVEL, defaulting to info', () => {
    assert.equal(createLogger('test', {}).level, 'info');
    assert.equal(createLogger('test', { SEDIMENT_LOG_LEVEL: 'debug' }).level, 'debug');
    assert.equal(createLogger('test', { SEDIMENT_LOG_LEVEL: 'silent' }).isLevelEnabled('error'), false);
  });

  it('rejects an unknown level, naming the variable', () => {
    assert.throws(() => createLogger('test', { SEDIMENT_LOG_LEVEL: 'verbose' }), /^SedimentError: SEDIMENT_LOG_LEVEL: must be one of/);
  });
});
