import { expect } from 'chai';
import { Lockstep } from '../../bench/scale/lockstep.js';

const noWait = async () => ({ ms: 0, busy: 0 });
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('the scale bench lockstep (bench/scale/lockstep.ts)', () => {
  it('starts a row once every size has reached it, then interleaves the samples, each round starting with the next size', async () => {
    const lock = new Lockstep([1000, 10000, 100000], noWait);
    const log: string[] = [];
    const task = (party: number) => async (i: number) => void log.push(`${party}:${i}`);
    const first = lock.row('queue', 1000, 3, task(1000));
    const second = lock.row('queue', 10000, 3, task(10000));
    await tick();
    expect(log, 'nothing runs before the last size arrives').to.deep.equal([]);
    const third = lock.row('queue', 100000, 3, task(100000));
    const results = await Promise.all([first, second, third]);
    expect(log).to.deep.equal([
      '1000:-1',
      '10000:-1',
      '100000:-1',
      '1000:0',
      '10000:0',
      '100000:0',
      '10000:1',
      '100000:1',
      '1000:1',
      '100000:2',
      '1000:2',
      '10000:2',
    ]);
    for (const r of results) expect(Number.isFinite(r.p95)).to.equal(true);
  });

  it('does not wait for a size that ended', async () => {
    const lock = new Lockstep([1, 2], noWait);
    let ran = 0;
    const row = lock.row('board', 1, 2, async () => void (ran += 1), false);
    await tick();
    expect(ran).to.equal(0);
    lock.leave(2);
    await row;
    expect(ran).to.equal(2);
  });

  it('fails only the size whose request failed; the others are measured to the end', async () => {
    const lock = new Lockstep([1, 2], noWait);
    let ran = 0;
    const failing = lock.row('reply', 1, 3, async (i) => {
      if (i === 1) throw new Error('500');
    });
    const fine = lock.row('reply', 2, 3, async () => void (ran += 1));
    const [a, b] = await Promise.allSettled([failing, fine]);
    expect(a.status).to.equal('rejected');
    expect(b.status).to.equal('fulfilled');
    expect(ran, 'the warm-up and three samples').to.equal(4);
  });

  it('lets one size at a time prepare alone, in the order they asked', async () => {
    const lock = new Lockstep([1, 2], noWait);
    const order: string[] = [];
    const releaseFirst = await lock.alone();
    const second = lock.alone().then((release) => {
      order.push('second');
      release();
    });
    await tick();
    order.push('first');
    releaseFirst();
    await second;
    expect(order).to.deep.equal(['first', 'second']);
  });

  it('waits for the machine to settle before each row', async () => {
    let settled = 0;
    const lock = new Lockstep([1], async () => ({ ms: 0, busy: (settled += 1) && 0 }));
    await lock.row('a', 1, 1, async () => undefined);
    await lock.row('b', 1, 1, async () => undefined);
    expect(settled).to.equal(2);
  });
});
