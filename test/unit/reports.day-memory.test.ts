import { expect } from 'chai';
import { DayMemory } from '../../server/reports/day-memory.js';

describe('reports: the report days an instance keeps decoded', () => {
  const day = (tickets: number) => ({ tickets });
  const memory = () => new DayMemory<{ tickets: number }>((d) => d.tickets, 100);

  it('is bounded by the tickets the days hold, the least recently used day out first', () => {
    const m = memory();
    m.keep('a', day(40));
    m.keep('b', day(40));
    expect(m.take('a')).to.deep.equal(day(40)); // used: taken out while folded…
    m.keep('a', day(40)); // …and back, now the most recent
    m.keep('c', day(40)); // 120 > 100: b, the least recently used, goes
    expect(m.take('b')).to.equal(undefined);
    expect(m.take('a')).to.deep.equal(day(40));
    expect(m.take('c')).to.deep.equal(day(40));
  });

  it('keeps a day bigger than the bound alone, and says when it has room', () => {
    const m = memory();
    m.keep('a', day(30));
    expect(m.hasRoom()).to.equal(true);
    m.keep('big', day(150));
    expect(m.take('a')).to.equal(undefined);
    expect(m.hasRoom()).to.equal(false);
    expect(m.take('big')).to.deep.equal(day(150));
    expect(m.hasRoom()).to.equal(true);
  });

  it('a day taken out is not counted twice when kept again, nor after clear', () => {
    const m = memory();
    m.keep('a', day(60));
    m.keep('a', day(60));
    m.keep('b', day(40));
    expect(m.take('a'), 'kept once: 100 fits').to.deep.equal(day(60));
    m.clear();
    expect(m.hasRoom()).to.equal(true);
    expect(m.take('b')).to.equal(undefined);
  });
});
