/**
 * Mail stored before `address_mail` existed (address-mail.ts) gets its keys once per database, at the
 * first start of this version (a marker in `meta`), so an erasure or an export also finds the link
 * mail, received mail and caught copies of an upgraded installation. One read of the outbox (mail
 * without a ticket only), the received mail and the caught mail — once, like the outbox's own
 * backfill. An interrupted run starts again from the beginning: a key noted twice names the same mail,
 * and readers list each mail once.
 */
import { noteAddressMail, noteInboundMail } from './address-mail.js';
import { InboundMailModel } from './inbound/inbound.model.js';
import { CaughtMailModel, Outbox } from './mail.models.js';

const marker = 'address-mail-backfilled';

/** Notes the addresses of the mail stored before the keys existed; how many mails it noted (0 once done). */
export async function backfillAddressMail(): Promise<number> {
  const meta = Outbox.db.collection<{ _id: string; at: Date }>('meta');
  if (await meta.findOne({ _id: marker })) return 0;
  let noted = 0;
  // The whole outbox, read once: mail with a ticket is found through the ticket and skipped here.
  for await (const mail of Outbox.collection.find({}, { projection: { to: 1, createdAt: 1, ticket: 1 } })) {
    if (mail.ticket) continue;
    await noteAddressMail((mail.to as string[] | undefined) ?? [], 'outbox', String(mail._id), (mail.createdAt as Date | undefined) ?? new Date());
    noted += 1;
  }
  for await (const mail of InboundMailModel.collection.find({}, { projection: { from: 1, envelope: 1, receivedAt: 1 } })) {
    await noteInboundMail({
      _id: String(mail._id),
      from: (mail.from as string | null | undefined) ?? null,
      envelope: { from: (mail.envelope as { from?: string | null } | undefined)?.from ?? null },
      receivedAt: (mail.receivedAt as Date | undefined) ?? new Date(),
    });
    noted += 1;
  }
  for await (const mail of CaughtMailModel.collection.find({}, { projection: { envelopeTo: 1, envelopeFrom: 1 } })) {
    const to = (mail.envelopeTo as string[] | undefined) ?? [];
    const from = (mail.envelopeFrom as string | null | undefined) ?? null;
    await noteAddressMail([...to, ...(from ? [from] : [])], 'caught', String(mail._id));
    noted += 1;
  }
  await meta.updateOne({ _id: marker }, { $set: { at: new Date() } }, { upsert: true });
  return noted;
}
