import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import type { Device } from '../../src/domain/index.js';
import { isInWindow, matchProfile, nextWindowStart, parseRotationPolicy, parseRotationProfile, periodMs } from '../../src/rotation/index.js';
import type { RotationProfileRecord } from '../../src/store/rotation-store.js';
import { expectOstiaryError } from '../vault/vault-fixtures.js';

describe('rotation policy', () => {
  it('fills every default and freezes the result', () => {
    const policy = parseRotationPolicy({});
    assert.equal(policy.changeEveryDays, null);
    assert.equal(policy.changeAfterReveal, false);
    assert.equal(policy.window, null);
    assert.equal(policy.priority, 0);
    assert.equal(policy.passwordPolicy.length, 24, 'the vault default password policy');
    assert.ok(Object.isFrozen(policy));
    assert.equal(periodMs(policy), null);
  });

  it('keeps a change period, reveal rule, window and priority', () => {
    const policy = parseRotationPolicy({ changeEveryDays: 1.5, changeAfterReveal: true, priority: 5, window: { weekdays: [7, 6, 6], hours: [3, 2], timeZone: 'Europe/Berlin' }, passwordPolicy: { length: 32, symbols: false } });
    assert.equal(periodMs(policy), 1.5 * 86_400_000);
    assert.deepEqual(policy.window, { weekdays: [6, 7], hours: [2, 3], timeZone: 'Europe/Berlin' });
    assert.equal(policy.passwordPolicy.length, 32);
    assert.equal(policy.passwordPolicy.symbols, false);
  });

  it('names the bad field in its errors', async () => {
    const hour = await expectOstiaryError(() => parseRotationPolicy({ window: { hours: [25] } }), 'OST_VALIDATION');
    assert.equal(hour.details.field, 'rotation.policy.window.hours.0');
    const zone = await expectOstiaryError(() => parseRotationPolicy({ window: { timeZone: 'Mars/Olympus' } }), 'OST_VALIDATION');
    assert.equal(zone.details.field, 'rotation.policy.window.timeZone');
    const unknown = await expectOstiaryError(() => parseRotationPolicy({ changeEvery: 3 }), 'OST_VALIDATION');
    assert.match(unknown.message, /^rotation\.policy/);
    const impossible = await expectOstiaryError(() => parseRotationPolicy({ passwordPolicy: { length: 2, lowercase: 2, digits: 2 } }, 'profile.policy'), 'OST_PASSWORD_POLICY');
    assert.equal(impossible.details.field, 'profile.policy.passwordPolicy.length');
  });
});

describe('change window', () => {
  const window = { weekdays: [6, 7], hours: [2], timeZone: 'Europe/Berlin' };
  const berlin = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' }).toMillis();

  it('is open only on the listed weekdays and hours, in its own zone', () => {
    assert.equal(isInWindow(window, berlin('2026-03-07T02:30')), true, 'Saturday 02:30 in Berlin');
    assert.equal(isInWindow(window, berlin('2026-03-07T03:00')), false);
    assert.equal(isInWindow(window, berlin('2026-03-09T02:30')), false, 'a Monday');
    assert.equal(isInWindow(null, berlin('2026-03-09T13:00')), true, 'no window: any time');
  });

  it('gives the start of the next open hour, or now when open', () => {
    assert.equal(nextWindowStart(window, berlin('2026-03-09T10:17')), berlin('2026-03-14T02:00'));
    const open = berlin('2026-03-07T02:10');
    assert.equal(nextWindowStart(window, open), open);
  });

  it('steps over a daylight-saving change without skipping the open hour', () => {
    // 2026-03-29 02:00 does not exist in Berlin; the next Saturday-or-Sunday 02:xx that does is 2026-04-04.
    assert.equal(nextWindowStart(window, berlin('2026-03-28T05:00')), berlin('2026-04-04T02:00'));
  });
});

describe('rotation profiles', () => {
  const device: Device = { id: 'd', name: 'db1', address: '127.0.0.1', port: 5432, type: 'Database', vendor: 'PostgreSQL', model: '15', site: null, tags: [], hostKey: null, createdAt: 0, updatedAt: 0 };
  const profile = (name: string, criteria: Partial<RotationProfileRecord['criteria']>): RotationProfileRecord => ({
    id: name, name, criteria: { deviceType: null, vendor: null, model: null, credentialKind: null, ...criteria }, policy: {},
    executor: null, changeTemplateId: null, verifyTemplateId: null, reconcileTemplateId: null, createdAt: 0, updatedAt: 0,
  });

  it('picks the most specific matching profile, case-insensitively, the oldest on a tie', () => {
    const profiles = [
      profile('any', {}),
      profile('databases', { deviceType: 'database' }),
      profile('pg', { deviceType: 'database', vendor: 'postgresql' }),
      profile('pg-too', { vendor: 'PostgreSQL', credentialKind: 'password' }),
      profile('mysql', { deviceType: 'database', vendor: 'mysql', model: '15' }),
    ];
    assert.equal(matchProfile(profiles, device, { kind: 'password' })?.name, 'pg');
    assert.equal(matchProfile(profiles, { ...device, vendor: 'Oracle' }, { kind: 'password' })?.name, 'databases');
    assert.equal(matchProfile(profiles.slice(2, 3), { ...device, type: null }, { kind: 'password' }), null, 'a criterion never matches a missing value');
  });

  it('validates a profile at the door', async () => {
    const parsed = parseRotationProfile({ name: 'linux', criteria: { deviceType: 'linux' }, policy: { changeEveryDays: 30 } });
    assert.equal(parsed.criteria.deviceType, 'linux');
    assert.equal(parsed.criteria.vendor, null);
    assert.equal(parsed.policy.changeEveryDays, 30);
    const error = await expectOstiaryError(() => parseRotationProfile({ name: 'x', criteria: { credentialKind: 'certificate' } }), 'OST_VALIDATION');
    assert.equal(error.details.field, 'profile.criteria.credentialKind');
  });
});
