import { expect } from 'chai';
import { Types } from 'mongoose';
import { sameId } from '../../server/auth/actor.js';

describe('sameId: the policy’s identity test', () => {
  it('compares ObjectIds by value, with strings either side, and never matches a missing id', () => {
    const a = new Types.ObjectId();
    const copy = new Types.ObjectId(a.toHexString());
    const other = new Types.ObjectId();
    expect(sameId(a, copy)).to.equal(true);
    expect(sameId(a, other)).to.equal(false);
    expect(sameId(a, a.toHexString())).to.equal(true);
    expect(sameId(a.toHexString(), copy)).to.equal(true);
    expect(sameId(a.toHexString(), other.toHexString())).to.equal(false);
    for (const missing of [null, undefined]) {
      expect(sameId(a, missing)).to.equal(false);
      expect(sameId(missing, a)).to.equal(false);
      expect(sameId(missing, missing)).to.equal(false);
    }
  });
});
