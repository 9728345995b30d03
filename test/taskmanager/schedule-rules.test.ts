import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOstiaryError } from '../../src/domain/index.js';
import { DEFAULT_GRACE_MS, planDueFires } from '../../src/taskmanager/schedule/missed-fires.js';
import { fireTimesBetween, nextFireTimes } from '../../src/taskmanager/schedule/fire-times.js';
import { parseScheduleRule } from '../../src/taskmanager/schedule/schedule-rule.js';

const at = (iso: string) => Date.parse(iso);
const isoOf = (times: readonly number[]) => times.map((time) => new Date(time).toISOString());
const HOUR = 3_600_000;

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isOstiaryError(error));
    assert.equal(error.code, 'OST_VALIDATION');
    return String(error.details.field);
  }
  assert.fail('expected a validation error');
}

describe('weekly rules in Europe/Berlin across daylight saving', () => {
  const sundayNight = parseScheduleRule({ kind: 'weekly', weekdays: [7], hours: [1, 2, 3], timeZone: 'Europe/Berlin' });

  it('spring forward: 02:00 does not exist, fires once at 03:00 (merged with the 03:00 slot)', () => {
    assert.deepEqual(isoOf(nextFireTimes(sundayNight, at('2026-03-28T12:00:00Z'), 3)), [
      '2026-03-29T00:00:00.000Z', // 01:00 CET
      '2026-03-29T01:00:00.000Z', // 02:00 shifted to 03:00 CEST, one fire with the 03:00 slot
      '2026-04-04T23:00:00.000Z', // next Sunday 01:00 CEST
    ]);
  });

  it('fall back: 02:00 happens twice and fires once, at its first occurrence', () => {
    assert.deepEqual(isoOf(nextFireTimes(sundayNight, at('2026-10-24T12:00:00Z'), 4)), [
      '2026-10-24T23:00:00.000Z', // 01:00 CEST
      '2026-10-25T00:00:00.000Z', // 02:00 CEST (the first 02:00)
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-11-01T00:00:00.000Z', // next Sunday 01:00 CET
    ]);
  });

  it('a slot whose wall-clock time is not shifted keeps its local hour across the change', () => {
    const noon = parseScheduleRule({ kind: 'weekly', weekdays: [6, 7], hours: [12], timeZone: 'Europe/Berlin' });
    assert.deepEqual(isoOf(nextFireTimes(noon, at('2026-03-27T00:00:00Z'), 3)), [
      '2026-03-28T11:00:00.000Z', // Saturday 12:00 CET
      '2026-03-29T10:00:00.000Z', // Sunday 12:00 CEST
      '2026-04-04T10:00:00.000Z',
    ]);
  });
});

describe('weekly rules in America/Sao_Paulo across daylight saving (2018/2019, when Brazil still had it)', () => {
  it('spring forward at midnight: 00:00 on 4 Nov 2018 did not exist and fires at 01:00', () => {
    const daily = parseScheduleRule({ kind: 'weekly', weekdays: [1, 2, 3, 4, 5, 6, 7], hours: [0, 12], timeZone: 'America/Sao_Paulo' });
    assert.deepEqual(isoOf(nextFireTimes(daily, at('2018-11-03T00:00:00Z'), 5)), [
      '2018-11-03T03:00:00.000Z', // 00:00 -03
      '2018-11-03T15:00:00.000Z', // 12:00 -03
      '2018-11-04T03:00:00.000Z', // 00:00 skipped → 01:00 -02
      '2018-11-04T14:00:00.000Z', // 12:00 -02
      '2018-11-05T02:00:00.000Z', // 00:00 -02
    ]);
  });

  it('fall back at midnight: 23:00 on 16 Feb 2019 happened twice and fires once', () => {
    const saturday = parseScheduleRule({ kind: 'weekly', weekdays: [6], hours: [22, 23], timeZone: 'America/Sao_Paulo' });
    assert.deepEqual(isoOf(nextFireTimes(saturday, at('2019-02-16T12:00:00Z'), 3)), [
      '2019-02-17T00:00:00.000Z', // 22:00 -02
      '2019-02-17T01:00:00.000Z', // 23:00 -02, the first 23:00; the second (02:00Z) does not fire
      '2019-02-24T01:00:00.000Z', // next Saturday 22:00 -03
    ]);
  });
});

describe('minimum interval', () => {
  const office = parseScheduleRule({ kind: 'weekly', weekdays: [1, 2, 3, 4, 5], hours: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], minIntervalHours: 3, timeZone: 'Europe/Berlin' });

  it('skips slots sooner than the interval after the previous fire, and carries over to the next allowed day', () => {
    assert.deepEqual(isoOf(nextFireTimes(office, at('2026-06-05T00:00:00Z'), 6)), [
      '2026-06-05T06:00:00.000Z', // Friday 08:00
      '2026-06-05T09:00:00.000Z', // 11:00
      '2026-06-05T12:00:00.000Z', // 14:00
      '2026-06-05T15:00:00.000Z', // 17:00 (18:00 is only 1 h later)
      '2026-06-08T06:00:00.000Z', // Monday 08:00
      '2026-06-08T09:00:00.000Z',
    ]);
  });

  it('counts from the previous fire the scheduler recorded', () => {
    const [next] = nextFireTimes(office, at('2026-06-05T07:30:00Z'), 1, { previousFire: at('2026-06-05T07:00:00Z') });
    assert.equal(new Date(next ?? 0).toISOString(), '2026-06-05T10:00:00.000Z'); // 12:00, 3 h after 09:00
  });

  it('is the same sequence whether previewed at once or fire by fire', () => {
    const all = nextFireTimes(office, at('2026-06-01T00:00:00Z'), 12);
    const stepwise: number[] = [];
    let cursor = at('2026-06-01T00:00:00Z');
    for (let i = 0; i < 12; i += 1) {
      const [next] = nextFireTimes(office, cursor, 1, { previousFire: stepwise.at(-1) ?? null });
      assert.ok(next !== undefined);
      stepwise.push(next);
      cursor = next;
    }
    assert.deepEqual(stepwise, all);
  });
});

describe('cron rules', () => {
  it('reads the expression in the time zone', () => {
    const weekdays = parseScheduleRule({ kind: 'cron', expression: '0 6 * * 1-5', timeZone: 'America/Sao_Paulo' });
    assert.deepEqual(isoOf(nextFireTimes(weekdays, at('2026-06-05T08:59:59Z'), 3)), [
      '2026-06-05T09:00:00.000Z', // Friday 06:00 -03
      '2026-06-08T09:00:00.000Z', // Monday
      '2026-06-09T09:00:00.000Z',
    ]);
  });

  it('gives times strictly after the start', () => {
    const weekdays = parseScheduleRule({ kind: 'cron', expression: '0 6 * * 1-5', timeZone: 'America/Sao_Paulo' });
    assert.equal(new Date(nextFireTimes(weekdays, at('2026-06-05T09:00:00Z'), 1)[0] ?? 0).toISOString(), '2026-06-08T09:00:00.000Z');
  });

  it('a named hour fires once on both daylight-saving changes in Berlin', () => {
    const nightly = parseScheduleRule({ kind: 'cron', expression: '30 2 * * *', timeZone: 'Europe/Berlin' });
    assert.deepEqual(isoOf(nextFireTimes(nightly, at('2026-03-28T12:00:00Z'), 2)), ['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    assert.deepEqual(isoOf(nextFireTimes(nightly, at('2026-10-24T12:00:00Z'), 2)), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('refuses a bad expression naming the field', () => {
    assert.equal(fieldOf(() => parseScheduleRule({ kind: 'cron', expression: '61 * * * *', timeZone: 'UTC' })), 'schedule.rule.expression');
  });
});

describe('schedule rule validation', () => {
  it('names the bad field', () => {
    assert.equal(fieldOf(() => parseScheduleRule({ kind: 'weekly', weekdays: [8], hours: [1], timeZone: 'UTC' })), 'schedule.rule.weekdays.0');
    assert.equal(fieldOf(() => parseScheduleRule({ kind: 'weekly', weekdays: [1], hours: [24], timeZone: 'UTC' })), 'schedule.rule.hours.0');
    assert.equal(fieldOf(() => parseScheduleRule({ kind: 'weekly', weekdays: [1], hours: [1], timeZone: 'Mars/Olympus' })), 'schedule.rule.timeZone');
    assert.equal(fieldOf(() => parseScheduleRule({ kind: 'weekly', weekdays: [], hours: [1], timeZone: 'UTC' })), 'schedule.rule.weekdays');
    assert.equal(fieldOf(() => parseScheduleRule({ kind: 'hourly' })), 'schedule.rule.kind');
  });

  it('sorts and deduplicates weekdays and hours, and fills defaults', () => {
    assert.deepEqual(parseScheduleRule({ kind: 'weekly', weekdays: [5, 1, 5], hours: [18, 8], timeZone: 'UTC' }), {
      kind: 'weekly', weekdays: [1, 5], hours: [8, 18], minute: 0, minIntervalHours: 0, timeZone: 'UTC',
    });
  });
});

describe('fires between two instants', () => {
  it('lists every fire in the window and stops at the limit', () => {
    const hourly = parseScheduleRule({ kind: 'cron', expression: '0 * * * *', timeZone: 'UTC' });
    assert.equal(fireTimesBetween(hourly, at('2026-01-01T00:00:00Z'), at('2026-01-01T05:00:00Z'), 100).length, 5);
    assert.equal(fireTimesBetween(hourly, at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'), 7).length, 7);
  });
});

describe('missed-fire policy', () => {
  const now = at('2026-06-05T12:00:00Z');

  it('runs the one due fire when it is within the grace window', () => {
    assert.deepEqual(planDueFires([now - 30 * 60_000], now), { run: now - 30 * 60_000, missed: [] });
  });

  it('runs only the latest of several due fires, once, and records the others as missed', () => {
    const due = [now - 5 * HOUR, now - 3 * HOUR, now - 20 * 60_000];
    assert.deepEqual(planDueFires(due, now), { run: due[2], missed: [due[0], due[1]] });
  });

  it('records every fire as missed when even the latest is older than the grace window', () => {
    const due = [now - 5 * HOUR, now - DEFAULT_GRACE_MS - 1];
    assert.deepEqual(planDueFires(due, now), { run: null, missed: due });
  });

  it('takes a custom grace window; the boundary itself still runs', () => {
    assert.deepEqual(planDueFires([now - 10 * 60_000], now, 10 * 60_000), { run: now - 10 * 60_000, missed: [] });
    assert.deepEqual(planDueFires([now - 10 * 60_000 - 1], now, 10 * 60_000), { run: null, missed: [now - 10 * 60_000 - 1] });
  });

  it('does nothing when nothing is due', () => {
    assert.deepEqual(planDueFires([], now), { run: null, missed: [] });
  });
});
