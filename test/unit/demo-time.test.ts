/**
 * The demo's staff work in office hours (Monday to Friday, 9:00–17:00 in Brussels): a step that would
 * fall at night or on a weekend happens at the next opening, in the night's order, never after now.
 */
import { expect } from 'chai';
import { staffTime } from '../../server/demo/demo.stories.js';

describe('demo: staff steps in office hours', () => {
  const later = Date.parse('2030-01-01T00:00:00Z');
  // Wednesday 9 December 2026, 10:00 in Brussels (UTC+1).
  const wednesday10 = new Date('2026-12-09T09:00:00Z');
  const iso = (d: Date) => d.toISOString();

  it('keeps a step within office hours', () => {
    expect(iso(staffTime(wednesday10, 3, later))).to.equal('2026-12-09T12:00:00.000Z');
  });

  it('moves an evening step to the next morning, a night later one a little later', () => {
    expect(iso(staffTime(wednesday10, 10, later))).to.equal('2026-12-10T08:18:00.000Z'); // 20:00 → Thu 9:18
    expect(iso(staffTime(wednesday10, 13, later))).to.equal('2026-12-10T08:36:00.000Z'); // 23:00 → Thu 9:36
    expect(iso(staffTime(wednesday10, 21, later))).to.equal('2026-12-10T09:24:00.000Z'); // Thu 7:00 → 10:24
  });

  it('moves a weekend step to Monday', () => {
    // Saturday 12 December, 10:00 → Monday 14 December, 9:00 + 102 minutes (17 hours since Friday's close).
    expect(iso(staffTime(wednesday10, 72, later))).to.equal('2026-12-14T09:42:00.000Z');
    expect(iso(staffTime(wednesday10, 200, later))).to.equal('2026-12-18T08:06:00.000Z'); // Thu 17 Dec 18:00 → Fri 9:06
  });

  it('never goes past now', () => {
    const now = Date.parse('2026-12-09T10:00:00Z');
    expect(staffTime(wednesday10, 30, now).getTime()).to.equal(now - 60_000);
  });
});
