/** Ticket numbers as people type them (the merge and link fields, like the search box). */
import { expect } from 'chai';
import { fullTicketNumber } from '../../server/lib/ticket.vocabulary.js';

describe('ticket numbers typed short', () => {
  it('makes whole what names one ticket: the year of the ticket one is on when none is typed', () => {
    expect(fullTicketNumber('R-2026-000201', 'R-2025-000007')).to.equal('R-2026-000201');
    expect(fullTicketNumber(' r-2026-201 ')).to.equal('R-2026-000201');
    expect(fullTicketNumber('2025-17')).to.equal('R-2025-000017');
    expect(fullTicketNumber('201', 'R-2026-000999')).to.equal('R-2026-000201');
    expect(fullTicketNumber('000201', 'R-2026-000999')).to.equal('R-2026-000201');
  });

  it('names nothing for what is not a number, a zero, or a short number without a year to take', () => {
    for (const typed of ['', 'abc', '0', 'R-2026-', '1234567', 'R-26-201', '65f000000000000000000001'])
      expect(fullTicketNumber(typed, 'R-2026-000001'), typed).to.equal(null);
    expect(fullTicketNumber('201')).to.equal(null);
  });
});
