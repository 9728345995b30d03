import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveEngineSettings } from '../../src/engine/engine-settings.js';

describe('engine settings', () => {
  it('fills defaults: 4 slots, 1 per device, 15 s lease, heartbeat every third of it', () => {
    const settings = resolveEngineSettings({ workerId: 'w1' });
    assert.deepEqual({ ...settings }, {
      workerId: 'w1', concurrency: 4, perDeviceLimit: 1, leaseMs: 15_000, heartbeatMs: 5_000,
      progressMs: 1_000, pollMs: 1_000, recoveryIntervalMs: 5_000, stopGraceMs: 5_000,
    });
    assert.ok(Object.isFrozen(settings));
    assert.match(resolveEngineSettings().workerId, /^.+:\d+:[0-9a-f]{8}$/);
  });

  it('rejects bad values with OST_CONFIG naming the field', () => {
    assert.throws(() => resolveEngineSettings({ concurrency: 0 }), { code: 'OST_CONFIG', message: /^engine\.concurrency: / });
    assert.throws(() => resolveEngineSettings({ leaseMs: 1_000, heartbeatMs: 1_000 }), { code: 'OST_CONFIG', message: /^engine\.heartbeatMs: / });
  });
});
