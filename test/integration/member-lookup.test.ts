import { expect } from 'chai';
import { Types } from 'mongoose';
import { backfillMemberEmails, findMemberByEmail } from '../../server/members/member-lookup.js';
import { MemberModel } from '../../server/members/member.model.js';
import { useTestDatabase } from '../helpers/db.js';

describe('finding members by email (a read by _id on both databases)', () => {
  useTestDatabase();

  it('finds a member saved through the model, whatever the case of the address', async () => {
    const saved = await MemberModel.create({ name: 'Anne Leroy', email: 'Anne.Leroy@Example.be' });
    const found = await findMemberByEmail<{ name: string }>('  ANNE.leroy@example.BE ', { name: 1 });
    expect(String(found?._id)).to.equal(String(saved._id));
    expect(found?.name).to.equal('Anne Leroy');
    expect(await findMemberByEmail('nobody@example.be')).to.equal(null);
  });

  it('indexes members written without the model once, at start, and only once', async () => {
    const raw = { _id: new Types.ObjectId(), name: 'Import Ancien', email: 'ancien@example.be', language: 'fr', memberNumber: null, office: null };
    await MemberModel.collection.insertOne(raw);
    expect(await findMemberByEmail('ancien@example.be')).to.equal(null);
    expect(await backfillMemberEmails()).to.equal(1);
    expect(String((await findMemberByEmail('ancien@example.be'))?._id)).to.equal(String(raw._id));
    expect(await backfillMemberEmails()).to.equal(0); // the marker: it does not read every member again
  });
});
