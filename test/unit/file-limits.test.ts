/**
 * The member pages' check of chosen files in the browser says what the server would: files past the
 * count, over the size, empty — each file once, in the order chosen.
 */
import { expect } from 'chai';
import { fileProblems } from '../../client/lib/file-limits.js';

describe('client: file limits', () => {
  const limits = { maxFiles: 2, maxBytes: 100 };

  it('passes files within the limits, a file of exactly the limit included', () => {
    expect(
      fileProblems(
        [
          { name: 'a.pdf', size: 100 },
          { name: 'b.jpg', size: 1 },
        ],
        limits,
      ),
    ).to.deep.equal([]);
    expect(fileProblems([], limits)).to.deep.equal([]);
  });

  it('names the files past the count, over the size, and empty, once each', () => {
    expect(
      fileProblems(
        [
          { name: 'grand.mov', size: 101 },
          { name: 'vide.pdf', size: 0 },
          { name: 'trois.jpg', size: 5 },
          { name: 'quatre.jpg', size: 500 },
        ],
        limits,
      ),
    ).to.deep.equal([
      { name: 'grand.mov', problem: 'too_large' },
      { name: 'vide.pdf', problem: 'empty' },
      { name: 'trois.jpg', problem: 'too_many' },
      { name: 'quatre.jpg', problem: 'too_many' },
    ]);
  });
});
