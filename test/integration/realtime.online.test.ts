import { expect } from 'chai';
import { useLiveServer } from '../helpers/realtime.js';

describe('realtime: who is online (the supervisor board reads it)', () => {
  const live = useLiveServer();

  it('lists staff with a live socket, and drops them when their last socket closes', async () => {
    const id = String(live.org.staff.advisorLiege.id);
    const first = await live.as('advisorLiege');
    const second = await live.as('advisorLiege');
    expect((await live.server.realtime.onlineStaffIds())?.has(id)).to.equal(true);
    expect((await live.server.realtime.onlineStaffIds())?.has(String(live.org.staff.support.id))).to.equal(false);
    first.socket.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    expect((await live.server.realtime.onlineStaffIds())?.has(id)).to.equal(true); // still one socket open
    second.socket.disconnect();
    let online = true;
    for (let i = 0; i < 50 && online; i += 1) {
      online = Boolean((await live.server.realtime.onlineStaffIds())?.has(id));
      if (online) await new Promise((r) => setTimeout(r, 100));
    }
    expect(online, 'offline once the last socket closed').to.equal(false);
  });
});
