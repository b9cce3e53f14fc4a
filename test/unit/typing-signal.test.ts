/**
 * "Is typing" on the ticket page (client/lib/presence-view.ts): sent once when typing starts, again
 * every 4 s while it goes on (the server forgets it after 8 s), off after 5 s without a keystroke,
 * and again after a reconnection when the person was typing.
 */
import { expect } from 'chai';
import { typingSignal, type Clock } from '../../client/lib/presence-view.js';

/** A clock moved by hand. */
function manualClock(): Clock & { tick(ms: number): void } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    after(ms, fn) {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return () => (timers = timers.filter((t) => t !== timer));
    },
    tick(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
  };
}

describe('typing signal', () => {
  it('says "typing" once per 4 s of keystrokes, and "stopped" after 5 s of quiet', () => {
    const clock = manualClock();
    const sent: boolean[] = [];
    const signal = typingSignal((on) => sent.push(on), clock);
    signal.typing(true);
    clock.tick(1_000);
    signal.typing(true);
    clock.tick(2_000);
    signal.typing(true);
    expect(sent).to.deep.equal([true]);
    clock.tick(1_500); // 4.5 s since the first
    signal.typing(true);
    expect(sent).to.deep.equal([true, true]);
    clock.tick(4_999);
    expect(sent, 'not yet 5 s of quiet').to.deep.equal([true, true]);
    clock.tick(1);
    expect(sent).to.deep.equal([true, true, false]);
    signal.typing(false);
    expect(sent, 'off is not said twice').to.deep.equal([true, true, false]);
  });

  it('says "typing" again after a reconnection only when the person was typing', () => {
    const sent: boolean[] = [];
    const signal = typingSignal((on) => sent.push(on), manualClock());
    signal.resume();
    expect(sent).to.deep.equal([]);
    signal.typing(true);
    signal.resume();
    expect(sent).to.deep.equal([true, true]);
    signal.typing(false);
    signal.resume();
    expect(sent).to.deep.equal([true, true, false]);
  });
});
