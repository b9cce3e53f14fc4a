import { expect } from 'chai';
import fc from 'fast-check';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  defaultCalendar,
  holidaysOn,
  isOpen,
  nextOpening,
  subtractBusinessMinutes,
  validateCalendar,
  type BusinessCalendar,
} from '../../server/sla/calendar.js';
import { AppError } from '../../server/lib/errors.js';
import { Types } from 'mongoose';
import { SlaCalendarModel, calendarForOffice, type SlaCalendarData } from '../../server/sla/calendar.model.js';
import { SlaPolicyModel, defaultPolicies } from '../../server/sla/policy.js';

// Europe/Brussels is UTC+1 (CET) until 29 March 2026 02:00, UTC+2 (CEST) until 25 October 2026 03:00.
const utc = (iso: string): Date => new Date(iso);
const belgium = defaultCalendar('Liège');

function withHours(hours: Partial<BusinessCalendar['hours']>, extra: Partial<BusinessCalendar> = {}): BusinessCalendar {
  const base = defaultCalendar('Test');
  return { ...base, id: 'test', ...extra, hours: { ...base.hours, ...hours } };
}

const lunchBreak = withHours(
  Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [
      d,
      [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '17:00' },
      ],
    ]),
  ) as Partial<BusinessCalendar['hours']>,
);
const allDay = [{ start: '00:00', end: '24:00' }];
const alwaysOpen = withHours({ 1: allDay, 2: allDay, 3: allDay, 4: allDay, 5: allDay, 6: allDay, 7: allDay }, { holidays: null });
const sundayNight = withHours({ 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [{ start: '01:00', end: '04:00' }] }, { holidays: null });

describe('SLA business calendar', () => {
  it("closes on the chosen region's own day, and only with that region (QA: a region added none: date-holidays files them as observances)", () => {
    const region = (r?: string): BusinessCalendar => ({ ...defaultCalendar(), holidays: { country: 'BE', ...(r ? { region: r } : {}) } });
    const own: Array<[string, string]> = [
      ['WAL', '2027-09-27'],
      ['VLG', '2027-07-11'],
      ['BRU', '2027-05-08'],
      ['DE', '2027-11-15'],
    ];
    for (const [r, date] of own) {
      expect(holidaysOn(date, region(r)), `${r} ${date}`).to.have.length(1);
      expect(holidaysOn(date, region()), `national ${date}`).to.deep.equal([]);
      // Another region's day stays a working day.
      expect(holidaysOn(date, region(r === 'WAL' ? 'VLG' : 'WAL')), `other region ${date}`).to.deep.equal([]);
    }
    // Observances of the whole country (Valentine's day, Easter Sunday's eve…) never close.
    for (const r of ['WAL', 'VLG', 'BRU', 'DE', undefined]) expect(holidaysOn('2027-02-14', region(r))).to.deep.equal([]);
    // The national days hold with any region.
    expect(holidaysOn('2027-07-21', region('DE'))[0]?.name).to.equal('Fête nationale');
  });

  describe('hand-computed additions (Mon–Fri 09:00–17:00, Belgian holidays)', () => {
    const cases: Array<[string, string, number, string, BusinessCalendar?]> = [
      ['Friday 16:30 + 60 min → Monday 09:30', '2026-01-16T15:30:00Z', 60, '2026-01-19T08:30:00Z'],
      ['Friday 16:00 + 60 min ends at the closing time, Friday 17:00', '2026-01-16T15:00:00Z', 60, '2026-01-16T16:00:00Z'],
      ['across 21 July 2026 (national day, a Tuesday)', '2026-07-20T14:00:00Z', 120, '2026-07-22T08:00:00Z'],
      ['across Easter Monday 2026 (6 April); Good Friday is a working day', '2026-04-03T14:00:00Z', 120, '2026-04-07T08:00:00Z'],
      ['across Ascension (Thursday 14 May 2026)', '2026-05-13T14:00:00Z', 120, '2026-05-15T08:00:00Z'],
      ['across Whit Monday (25 May 2026)', '2026-05-22T14:00:00Z', 120, '2026-05-26T08:00:00Z'],
      ['across the spring DST switch (Sunday 29 March 2026): CET Friday → CEST Monday', '2026-03-27T15:00:00Z', 120, '2026-03-30T08:00:00Z'],
      ['across the autumn DST switch (Sunday 25 October 2026): CEST Friday → CET Monday', '2026-10-23T14:00:00Z', 120, '2026-10-26T09:00:00Z'],
      ['starting on a Sunday: the clock starts Monday 09:00', '2026-01-18T09:00:00Z', 30, '2026-01-19T08:30:00Z'],
      ['starting at 17:00 exactly: closed, the clock starts the next morning', '2026-01-12T16:00:00Z', 1, '2026-01-13T08:01:00Z'],
      ['before opening: Monday 07:00 + 90 min → 10:30', '2026-01-12T06:00:00Z', 90, '2026-01-12T09:30:00Z'],
      ['a whole week: Monday 09:00 + 40 h → Friday 17:00', '2026-01-12T08:00:00Z', 2400, '2026-01-16T16:00:00Z'],
      ['lunch break: Monday 11:30 + 60 min → 13:30', '2026-01-12T10:30:00Z', 60, '2026-01-12T12:30:00Z', lunchBreak],
      ['lunch break: Monday 11:30 + 7 h → Tuesday 11:30', '2026-01-12T10:30:00Z', 420, '2026-01-13T10:30:00Z', lunchBreak],
      [
        'a closure day (Friday 15 May 2026, a bridge day) after Ascension',
        '2026-05-13T14:00:00Z',
        120,
        '2026-05-18T08:00:00Z',
        { ...belgium, closures: ['2026-05-15'] },
      ],
      ['spring switch day open 00:00–24:00 has 23 hours', '2026-03-28T23:00:00Z', 23 * 60, '2026-03-29T22:00:00Z', alwaysOpen],
      ['autumn switch day open 00:00–24:00 has 25 hours', '2026-10-24T22:00:00Z', 25 * 60, '2026-10-25T23:00:00Z', alwaysOpen],
    ];
    for (const [title, start, minutes, expected, cal] of cases) {
      it(title, () => {
        expect(addBusinessMinutes(utc(start), minutes, cal ?? belgium).toISOString()).to.equal(new Date(expected).toISOString());
      });
    }

    it('zero minutes return the start unchanged, open or not', () => {
      for (const at of ['2026-01-12T10:00:00Z', '2026-01-18T10:00:00Z', '2026-01-12T16:00:00Z']) {
        expect(addBusinessMinutes(utc(at), 0, belgium).toISOString()).to.equal(utc(at).toISOString());
      }
    });

    it('refuses negative or infinite minutes', () => {
      expect(() => addBusinessMinutes(utc('2026-01-12T10:00:00Z'), -1, belgium)).to.throw(RangeError);
      expect(() => addBusinessMinutes(utc('2026-01-12T10:00:00Z'), Infinity, belgium)).to.throw(RangeError);
    });

    it('adds 1,000 business hours (over 125 working days, holidays skipped) and measures them back', () => {
      const start = utc('2026-01-05T08:00:00Z'); // Monday 5 January 09:00
      const due = addBusinessMinutes(start, 60_000, belgium);
      // 125 working days from 5 January 2026, skipping Easter Monday, 1 May, Ascension and Whit Monday: Thursday 2 July 17:00 CEST (126 working days up to 3 July).
      expect(due.toISOString()).to.equal('2026-07-02T15:00:00.000Z');
      expect(businessMinutesBetween(start, due, belgium)).to.equal(60_000);
    });
  });

  describe('wall-clock intervals on DST days', () => {
    it('01:00–04:00 lasts 2 hours on 29 March 2026 and 4 hours on 25 October 2026', () => {
      expect(businessMinutesBetween(utc('2026-03-28T12:00:00Z'), utc('2026-03-29T12:00:00Z'), sundayNight)).to.equal(120);
      expect(businessMinutesBetween(utc('2026-10-24T12:00:00Z'), utc('2026-10-25T12:00:00Z'), sundayNight)).to.equal(240);
      // 01:00 CET is 00:00Z; 03:00 CEST (just after the jump) is 01:00Z.
      expect(addBusinessMinutes(utc('2026-03-28T12:00:00Z'), 60, sundayNight).toISOString()).to.equal('2026-03-29T01:00:00.000Z');
      // 01:00 CEST is 23:00Z the day before; 3 hours later it is 02:00 CET (the second time), 02:00Z.
      expect(addBusinessMinutes(utc('2026-10-24T12:00:00Z'), 180, sundayNight).toISOString()).to.equal('2026-10-25T02:00:00.000Z');
    });

    it('09:00–17:00 stays 8 hours on the Mondays after both switches', () => {
      expect(businessMinutesBetween(utc('2026-03-30T00:00:00Z'), utc('2026-03-31T00:00:00Z'), belgium)).to.equal(480);
      expect(businessMinutesBetween(utc('2026-10-26T00:00:00Z'), utc('2026-10-27T00:00:00Z'), belgium)).to.equal(480);
      expect(isOpen(utc('2026-03-30T07:00:00Z'), belgium), '09:00 CEST').to.equal(true);
      expect(isOpen(utc('2026-03-30T06:59:59Z'), belgium), '08:59:59 CEST').to.equal(false);
      expect(isOpen(utc('2026-10-26T08:00:00Z'), belgium), '09:00 CET').to.equal(true);
      expect(isOpen(utc('2026-10-26T07:59:59Z'), belgium), '08:59:59 CET').to.equal(false);
    });
  });

  describe('measuring, opening times and holidays', () => {
    it('measures business minutes between two instants', () => {
      expect(businessMinutesBetween(utc('2026-01-16T15:30:00Z'), utc('2026-01-19T08:30:00Z'), belgium)).to.equal(60);
      expect(businessMinutesBetween(utc('2026-07-20T08:00:00Z'), utc('2026-07-23T08:00:00Z'), belgium), 'Mon 09:00 → Thu 09:00 over 21 July').to.equal(960);
      expect(businessMinutesBetween(utc('2026-01-12T10:30:00Z'), utc('2026-01-12T12:30:00Z'), lunchBreak)).to.equal(60);
      expect(businessMinutesBetween(utc('2026-01-12T12:00:00Z'), utc('2026-01-12T10:00:00Z'), belgium), 'reversed').to.equal(0);
      expect(businessMinutesBetween(utc('2026-01-12T08:00:00Z'), utc('2026-01-12T08:00:30Z'), belgium), 'half a minute').to.equal(0.5);
    });

    it('is open from the opening time, closed from the closing time', () => {
      expect(isOpen(utc('2026-01-12T08:00:00Z'), belgium)).to.equal(true);
      expect(isOpen(utc('2026-01-12T15:59:59.999Z'), belgium)).to.equal(true);
      expect(isOpen(utc('2026-01-12T16:00:00Z'), belgium)).to.equal(false);
      expect(isOpen(utc('2026-07-21T10:00:00Z'), belgium), '21 July').to.equal(false);
      expect(isOpen(utc('2026-01-12T11:30:00Z'), lunchBreak), 'lunch').to.equal(false);
    });

    it('finds the next opening', () => {
      expect(nextOpening(utc('2026-01-12T16:00:00Z'), belgium).toISOString(), 'Monday 17:00').to.equal('2026-01-13T08:00:00.000Z');
      expect(nextOpening(utc('2026-01-12T10:00:00Z'), belgium).toISOString(), 'already open').to.equal('2026-01-12T10:00:00.000Z');
      expect(nextOpening(utc('2026-12-24T17:00:00Z'), belgium).toISOString(), 'Christmas Eve evening → Monday 28 (25 is a holiday, then the weekend)').to.equal(
        '2026-12-28T08:00:00.000Z',
      );
      expect(nextOpening(utc('2026-01-12T11:10:00Z'), lunchBreak).toISOString()).to.equal('2026-01-12T12:00:00.000Z');
    });

    it('counts exactly the ten Belgian public holidays of 2026, not observances', () => {
      const found: string[] = [];
      for (let day = new Date('2026-01-01T12:00:00Z'); day.getUTCFullYear() === 2026; day = new Date(day.getTime() + 86_400_000)) {
        const date = day.toISOString().slice(0, 10);
        if (holidaysOn(date, belgium).length > 0) found.push(date);
      }
      expect(found).to.deep.equal([
        '2026-01-01',
        '2026-04-06',
        '2026-05-01',
        '2026-05-14',
        '2026-05-25',
        '2026-07-21',
        '2026-08-15',
        '2026-11-01',
        '2026-11-11',
        '2026-12-25',
      ]);
      expect(holidaysOn('2026-07-21', belgium, 'nl')[0]?.name).to.equal('Nationale feestdag');
      expect(holidaysOn('2026-07-21', { ...belgium, holidays: null })).to.deep.equal([]);
    });

    it('subtracts business minutes as the inverse of adding them', () => {
      expect(subtractBusinessMinutes(utc('2026-01-19T08:30:00Z'), 60, belgium).toISOString()).to.equal('2026-01-16T15:30:00.000Z');
      expect(subtractBusinessMinutes(utc('2026-07-22T08:00:00Z'), 120, belgium).toISOString()).to.equal('2026-07-20T14:00:00.000Z');
    });
  });

  describe('validation', () => {
    const problems = (cal: BusinessCalendar): string[] => {
      try {
        validateCalendar(cal);
        return [];
      } catch (error) {
        expect(error).to.be.instanceOf(AppError);
        return ((error as AppError).fields ?? []).map((f) => f.path);
      }
    };

    it('accepts the default calendar and a lunch-break calendar', () => {
      expect(problems(belgium)).to.deep.equal([]);
      expect(problems(lunchBreak)).to.deep.equal([]);
    });

    it('refuses a calendar that is never open, instead of looping', () => {
      const never = withHours({ 1: [], 2: [], 3: [], 4: [], 5: [] });
      expect(problems(never)).to.deep.equal(['hours']);
      expect(() => addBusinessMinutes(utc('2026-01-12T08:00:00Z'), 60, never)).to.throw(/never open/);
    });

    it('names each bad field: zone, times, overlaps, region, closure dates', () => {
      const bad: BusinessCalendar = {
        ...withHours({
          1: [{ start: '9:00', end: '17:00' }],
          2: [{ start: '12:00', end: '10:00' }],
          3: [
            { start: '09:00', end: '13:00' },
            { start: '12:00', end: '17:00' },
          ],
        }),
        timeZone: 'Europe/Nowhere',
        holidays: { country: 'BE', region: 'XX' },
        closures: ['2026-02-30'],
      };
      expect(problems(bad)).to.deep.equal(['timeZone', 'hours.1.0.start', 'hours.2.0', 'hours.3.1', 'holidays.region', 'closures.0']);
    });

    it('throws a clear error when a calendar stays closed for years', () => {
      const closures = Array.from({ length: 3800 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
      expect(() => nextOpening(utc('2026-01-01T00:00:00Z'), { ...belgium, id: 'closed', closures })).to.throw(/closed for more than/);
    });
  });

  describe('stored calendars and policies (validation only, no database)', () => {
    it('refuses to save a calendar that is never open, with the field named', async () => {
      const error = await new SlaCalendarModel({ name: 'Never', hours: {} }).validate().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(AppError);
      expect((error as AppError).fields?.map((f) => f.path)).to.deep.equal(['hours']);
    });

    it('serves an office its own calendar, else the stored default, else the built-in one', async () => {
      const liegeOffice = new Types.ObjectId();
      const own = new SlaCalendarModel({ name: 'Liège', office: liegeOffice, hours: { 1: [{ start: '08:30', end: '12:00' }] }, closures: ['2026-12-24'] });
      const fallback = new SlaCalendarModel({
        name: 'Wallonie',
        office: null,
        holidays: { country: 'BE', region: 'WAL' },
        hours: { 2: [{ start: '09:00', end: '17:00' }] },
      });
      await own.validate();
      await fallback.validate();
      const docs = [own.toObject(), fallback.toObject()] as unknown as SlaCalendarData[];
      const cal = calendarForOffice(docs, liegeOffice);
      expect(cal).to.deep.include({ id: String(own._id), name: 'Liège', timeZone: 'Europe/Brussels', holidays: { country: 'BE' }, closures: ['2026-12-24'] });
      expect(cal.hours[1]).to.deep.equal([{ start: '08:30', end: '12:00' }]);
      expect(calendarForOffice(docs, liegeOffice), 'converted once').to.equal(cal);
      expect(calendarForOffice(docs, new Types.ObjectId()).holidays).to.deep.equal({ country: 'BE', region: 'WAL' });
      expect(calendarForOffice([], liegeOffice).id).to.equal('default');
    });

    it('accepts the default policies as stored documents', async () => {
      for (const policy of defaultPolicies()) await new SlaPolicyModel(policy).validate();
    });
  });

  describe('properties', () => {
    const calendars = [belgium, lunchBreak, alwaysOpen, sundayNight];
    const instant = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 11, 31) }).map((ms) => new Date(ms));
    const minutes = fc.integer({ min: 0, max: 20_000 });
    const calendar = fc.constantFrom(...calendars);

    it('a deadline is never earlier than its start', () => {
      fc.assert(fc.property(instant, minutes, calendar, (s, m, cal) => addBusinessMinutes(s, m, cal).getTime() >= s.getTime()));
    });

    it('more minutes never give an earlier deadline', () => {
      fc.assert(
        fc.property(instant, minutes, minutes, calendar, (s, a, b, cal) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          return addBusinessMinutes(s, lo, cal).getTime() <= addBusinessMinutes(s, hi, cal).getTime();
        }),
      );
    });

    it('adding then measuring gives the minutes back (from an open start, and from any start)', () => {
      fc.assert(
        fc.property(instant, minutes, calendar, (s, m, cal) => {
          const open = nextOpening(s, cal);
          expect(isOpen(open, cal)).to.equal(true);
          expect(businessMinutesBetween(open, addBusinessMinutes(open, m, cal), cal)).to.equal(m);
          expect(businessMinutesBetween(s, addBusinessMinutes(s, m, cal), cal)).to.equal(m);
        }),
      );
    });

    it('is additive: add(add(s, a), b) = add(s, a + b)', () => {
      fc.assert(
        fc.property(instant, minutes, minutes, calendar, (s, a, b, cal) => {
          expect(addBusinessMinutes(addBusinessMinutes(s, a, cal), b, cal).toISOString()).to.equal(addBusinessMinutes(s, a + b, cal).toISOString());
        }),
      );
    });

    it('a pause never shortens a deadline: stopping the clock for a while only moves it later', () => {
      fc.assert(
        fc.property(
          instant,
          minutes,
          fc.integer({ min: 0, max: 10 * 24 * 60 }),
          fc.integer({ min: 0, max: 5 * 24 * 60 }),
          calendar,
          (s, m, pauseAfter, pauseLength, cal) => {
            const pauseFrom = new Date(s.getTime() + pauseAfter * 60_000);
            const pauseTo = new Date(pauseFrom.getTime() + pauseLength * 60_000);
            const plain = addBusinessMinutes(s, m, cal);
            const before = businessMinutesBetween(s, pauseFrom, cal);
            const paused = before >= m ? plain : addBusinessMinutes(pauseTo, m - before, cal);
            return paused.getTime() >= plain.getTime();
          },
        ),
      );
    });

    it('subtracting is the inverse of adding, measured back exactly', () => {
      fc.assert(
        fc.property(instant, minutes, calendar, (end, m, cal) => {
          const start = subtractBusinessMinutes(end, m, cal);
          expect(start.getTime()).to.be.at.most(end.getTime());
          expect(businessMinutesBetween(start, end, cal)).to.equal(m);
        }),
      );
    });
  });
});
