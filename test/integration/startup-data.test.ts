import { expect } from 'chai';
import { ReasonCodeModel } from '../../server/catalog/category.model.js';
import { ensureSlaReasonCode, SLA_BREACH_REASON } from '../../server/sla/actions.js';
import { useTestDatabase } from '../helpers/db.js';

describe('data every installation has at start', () => {
  useTestDatabase();

  it('creates the reason code of automatic escalations once, offered in no dialog', async () => {
    await ensureSlaReasonCode();
    await ensureSlaReasonCode();
    const codes = await ReasonCodeModel.find({ code: SLA_BREACH_REASON }).lean();
    expect(codes).to.have.length(1);
    expect(codes[0]?.appliesTo).to.deep.equal([]);
    expect(codes[0]?.label.nl).to.equal('Opnametermijn overschreden');
  });
});
