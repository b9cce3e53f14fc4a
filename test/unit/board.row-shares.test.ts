import { expect } from 'chai';
import { rowShares } from '../../server/web/pages/board.query.js';

const group = (tier: number, n: number) => ({ tier, tickets: Array.from({ length: n }) });

describe('board: each office’s share of its tier’s rows', () => {
  it('gives a small office all it has and splits the rest evenly among the others', () => {
    const shares = rowShares(
      new Map([
        ['a', group(2, 500)],
        ['b', group(2, 1)],
        ['c', group(2, 30)],
        ['d', group(3, 7)],
      ]),
      50,
    );
    expect(Object.fromEntries(shares)).to.deep.equal({ b: 1, c: 24, a: 25, d: 7 });
  });

  it('shows at least ten of each office, even past the tier’s rows', () => {
    const many = new Map(Array.from({ length: 6 }, (_, i) => [`o${i}`, group(2, 100)] as const));
    expect([...rowShares(many, 50).values()]).to.deep.equal([10, 10, 10, 10, 10, 10]);
  });

  it('with more rows asked, every escalation of a small tier shows', () => {
    expect(
      Object.fromEntries(
        rowShares(
          new Map([
            ['a', group(3, 120)],
            ['b', group(3, 60)],
          ]),
          200,
        ),
      ),
    ).to.deep.equal({ b: 60, a: 120 });
  });
});
