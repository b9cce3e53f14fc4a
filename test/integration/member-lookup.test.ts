import { expect } from 'chai';
import { Types } from 'mongoose';
import { backfillMemberEmails, findMemberByEmail } from '../../server/members/member-lookup.js';
import { forgetMemberCard, memberCardByEmail } from '../../server/members/member-cards.js';
import { MemberEmailModel, MemberModel } from '../../server/members/member.model.js';
import { forgetMemberName, memberNamesByIds } from '../../server/members/member-names.js';
import { changeMemberDetails } from '../../server/members/member-changes.js';
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

describe('members’ names remembered by the instance (members/member-names.ts)', () => {
  useTestDatabase();

  it('reads a name once, and shows a change of name made through changeMemberDetails at once', async () => {
    const member = await MemberModel.create({ name: 'Anne Leroy', email: 'anne.names@example.be' });
    const id = String(member._id);
    expect((await memberNamesByIds([id, id, 'not-an-id'])).get(id)).to.equal('Anne Leroy');
    // Written behind its back: the remembered name stays (what it spares is this read).
    await MemberModel.updateOne({ _id: id }, { $set: { name: 'Écrit directement' } });
    expect((await memberNamesByIds([id])).get(id)).to.equal('Anne Leroy');
    await changeMemberDetails(id, { name: 'Anne Leroy-Dupont' });
    expect((await memberNamesByIds([id])).get(id)).to.equal('Anne Leroy-Dupont');
  });

  it('does not keep a name read while the member was being changed', async () => {
    const member = await MemberModel.create({ name: 'Bruno Lambert', email: 'bruno.names@example.be' });
    const id = String(member._id);
    const reading = memberNamesByIds([id]); // in flight while the name changes
    forgetMemberName(id);
    expect((await reading).get(id)).to.equal('Bruno Lambert');
    await MemberModel.updateOne({ _id: id }, { $set: { name: 'Bruno Lambert (nouveau)' } });
    expect((await memberNamesByIds([id])).get(id), 'the read begun before the change was not remembered').to.equal('Bruno Lambert (nouveau)');
  });
});

describe('members found by address for a new request, remembered by the instance (members/member-cards.ts)', () => {
  useTestDatabase();

  it('reads a member once, and follows a change of name or address made through changeMemberDetails at once', async () => {
    const member = await MemberModel.create({ name: 'Claire Dumont', email: 'claire.cards@example.be', language: 'nl' });
    const id = String(member._id);
    expect(await memberCardByEmail(' Claire.Cards@example.be ')).to.deep.include({ name: 'Claire Dumont', language: 'nl', office: null });
    // Written behind its back: the remembered card stays (what it spares is these two reads).
    await MemberModel.updateOne({ _id: id }, { $set: { name: 'Écrit directement' } });
    expect(await memberCardByEmail('claire.cards@example.be')).to.deep.include({ name: 'Claire Dumont' });
    await changeMemberDetails(id, { name: 'Claire Dumont-Peeters', email: 'claire.nouvelle@example.be' });
    expect(await memberCardByEmail('claire.cards@example.be'), 'the old address no longer names her').to.equal(null);
    expect(await memberCardByEmail('claire.nouvelle@example.be')).to.deep.include({ name: 'Claire Dumont-Peeters' });
    // Which address names whom is never remembered: a key taken away elsewhere (an erasure on another
    // instance whose news has not arrived) counts at once, so mail from it opens a request for a new member.
    await MemberEmailModel.deleteOne({ _id: 'claire.nouvelle@example.be' });
    expect(await memberCardByEmail('claire.nouvelle@example.be')).to.equal(null);
  });

  it('does not remember an address not found, nor a card read while the member was being changed', async () => {
    expect(await memberCardByEmail('david.cards@example.be')).to.equal(null);
    const member = await MemberModel.create({ name: 'David Wouters', email: 'david.cards@example.be' });
    expect(String((await memberCardByEmail('david.cards@example.be'))?._id), 'a new member is found at once').to.equal(String(member._id));
    const other = await MemberModel.create({ name: 'Eva Claes', email: 'eva.cards@example.be' });
    const reading = memberCardByEmail('eva.cards@example.be'); // in flight while the member changes
    forgetMemberCard(String(other._id));
    expect((await reading)?.name).to.equal('Eva Claes');
    await MemberModel.updateOne({ _id: other._id }, { $set: { name: 'Eva Claes (nouveau)' } });
    expect((await memberCardByEmail('eva.cards@example.be'))?.name, 'the read begun before the change was not remembered').to.equal('Eva Claes (nouveau)');
  });
});
