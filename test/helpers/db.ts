import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase, ensureIndexes } from '../../server/db/connection.js';
import '../../server/models.js';
import { clearDoneDays } from '../../server/reports/done-days.js';
import { forgetReportDays } from '../../server/reports/day-facts.js';
import { resetOfficeModels } from '../../server/routing/office-models.js';
import { clearRoutingCache } from '../../server/routing/routing.service.js';
import { resetTicketNumberCache } from '../../server/tickets/ticket-number.js';
import { resetTicketKeyCaches } from '../../server/tickets/ticket.keys.js';
import { workingSet } from '../../server/tickets/working-set.js';
import { clearEscalationCache } from '../../server/tickets/ticket.queries.js';
import { forgetMemberCards } from '../../server/members/member-cards.js';
import { forgetMemberNames } from '../../server/members/member-names.js';
import { forgetStaffRecords } from '../../server/staff/staff-records.js';
import { testDatabaseUri } from './global.js';

/**
 * Gives the calling test file a fresh database of its own on the shared server,
 * with every index created, and drops it afterwards.
 */
export function useTestDatabase(): { name: () => string } {
  let dbName = '';
  before(async function () {
    this.timeout(60_000);
    dbName = `t_${randomBytes(6).toString('hex')}`;
    await connectDatabase(testDatabaseUri(), dbName);
    await ensureIndexes();
    resetTicketNumberCache();
    resetTicketKeyCaches();
    workingSet.reset();
    clearEscalationCache();
    forgetMemberNames();
    forgetMemberCards();
    forgetStaffRecords();
    clearRoutingCache();
    resetOfficeModels();
    clearDoneDays();
    forgetReportDays();
  });
  after(async () => {
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  });
  return { name: () => dbName };
}
