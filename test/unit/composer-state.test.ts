/**
 * The composer's mode, button label and posted command come from one state: whatever the order of
 * claims, releases, mode choices and sends, what the button says is what a click sends.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { composerView, withReplyRight, type ComposerState } from '../../client/lib/composer-state.js';

const labelFor = { reply: 'client.composer.send_reply', note: 'client.composer.send_note' } as const;

describe('composer state', () => {
  it('selects "reply" when the advisor has just taken the ticket, and labels the button for it', () => {
    const before: ComposerState = { mode: 'note', canReply: false, sending: false };
    expect(composerView(before)).to.include({ mode: 'note', command: 'note', buttonKey: labelFor.note });
    const { state } = withReplyRight(before, true, false);
    expect(composerView(state)).to.include({ mode: 'reply', command: 'reply', buttonKey: labelFor.reply });
  });

  it('keeps "note" after taking the ticket when a note is being typed', () => {
    const { state } = withReplyRight({ mode: 'note', canReply: false, sending: false }, true, true);
    expect(composerView(state)).to.include({ mode: 'note', command: 'note' });
  });

  it('falls back to "note" when the right to reply is lost, and says so when a reply was typed', () => {
    const result = withReplyRight({ mode: 'reply', canReply: true, sending: false }, false, true);
    expect(result.lostReply).to.equal(true);
    expect(composerView(result.state)).to.include({ mode: 'note', command: 'note', replyEnabled: false });
  });

  it('never sends a reply without the right to, and the label always names what is sent', () => {
    type Step = { kind: 'right'; canReply: boolean; hasText: boolean } | { kind: 'choose'; mode: 'reply' | 'note' } | { kind: 'sending'; on: boolean };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('right' as const), canReply: fc.boolean(), hasText: fc.boolean() }),
      fc.record({ kind: fc.constant('choose' as const), mode: fc.constantFrom('reply' as const, 'note' as const) }),
      fc.record({ kind: fc.constant('sending' as const), on: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let state: ComposerState = { mode: 'note', canReply: false, sending: false };
        for (const s of steps) {
          if (s.kind === 'right') state = withReplyRight(state, s.canReply, s.hasText).state;
          else if (s.kind === 'choose') state = { ...state, mode: s.mode };
          else state = { ...state, sending: s.on };
          const view = composerView(state);
          expect(view.command).to.equal(view.mode);
          if (!state.canReply) expect(view.command).to.equal('note');
          if (!state.sending) expect(view.buttonKey).to.equal(labelFor[view.mode]);
        }
      }),
    );
  });
});
