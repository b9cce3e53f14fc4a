/**
 * The board's forecast row in words: a queue with tickets already late never reads "0 expected
 * breaches" in green beside "4 late" (issue 16, point 10).
 */
import { expect } from 'chai';
import { translator } from '../../server/lib/i18n.js';
import type { QueueOutlook } from '../../server/reports/forecast.board.js';
import { forecastRow } from '../../server/web/pages/board-forecast.js';

function outlook(overdue: number, dueSoon: number, expectedBreaches: number | null): QueueOutlook {
  return {
    key: 't2',
    tier: 2,
    officeName: null,
    online: 1,
    throughput: 1,
    anyDeadline: true,
    forecast: { waiting: 5, arrivals: 0, capacity: 2, overdue, dueSoon, expectedBreaches, handledAt: new Map(), queueAtHorizon: null },
  };
}

describe('board forecast row', () => {
  const fmt = new Intl.NumberFormat('fr-BE', { maximumFractionDigits: 1 });
  const t = translator('fr');

  it('counts the tickets already late with the breaches, and warns, when nothing more falls due', () => {
    const row = forecastRow(outlook(4, 0, 0), t, fmt);
    expect(row.breaches).not.to.equal('0');
    expect(row.breaches).to.include('4');
    expect(row.level).to.equal('warn');
  });

  it('adds the late tickets to the expected new breaches', () => {
    const row = forecastRow(outlook(3, 2, 1), t, fmt);
    expect(row.breaches).to.include('3').and.include('1');
    expect(row.level).to.equal('warn');
  });

  it('still says 0 in green when nothing is late and nothing will be', () => {
    const row = forecastRow(outlook(0, 0, 0), t, fmt);
    expect(row.breaches).to.equal('0');
    expect(row.level).to.equal('ok');
  });
});
