import { useTestDatabase } from '/work/main/test/helpers/db.js';
import { hashPassword, verifyPassword } from '/work/main/server/auth/password.js';
import { StaffModel } from '/work/main/server/staff/staff.model.js';
import { TeamModel } from '/work/main/server/teams/team.model.js';
describe('dbg', () => {
  useTestDatabase();
  it('steps', async () => {
    console.time('hash'); const h = await hashPassword('x'); console.timeEnd('hash');
    console.time('verify'); console.log(await verifyPassword(h, 'x')); console.timeEnd('verify');
    console.time('team'); const t = await TeamModel.create({ code: 'team-1', name: 'T', tier: 2 }); console.timeEnd('team');
    console.time('staff'); await StaffModel.create({ name: 'S', email: 's@example.org', passwordHash: h, roles: ['advisor'], team: t._id }); console.timeEnd('staff');
  });
});
