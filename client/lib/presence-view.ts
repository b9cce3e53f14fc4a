/**
 * Who else has the ticket open, and who is typing: chips with initials in the page's presence
 * box (hidden when one is alone). Names are set as text, never HTML.
 */
import { t } from './i18n.js';
import type { Person } from './live.js';

function initialsOf(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

export function renderPresence(box: HTMLElement, me: Person, viewers: Person[], typers: Person[]): void {
  const others = viewers.filter((p) => p.id !== me.id);
  const typingIds = new Set(typers.filter((p) => p.id !== me.id).map((p) => p.id));
  for (const p of typers) if (p.id !== me.id && !others.some((o) => o.id === p.id)) others.push(p);
  if (others.length === 0) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const label = document.createElement('span');
  label.className = 'presence-label';
  label.textContent = t('client.presence.viewing');
  const items = others.map((p) => {
    const chip = document.createElement('span');
    chip.className = typingIds.has(p.id) ? 'viewer is-typing' : 'viewer';
    const avatar = document.createElement('span');
    avatar.className = 'avatar avatar-small';
    avatar.setAttribute('aria-hidden', 'true');
    avatar.textContent = initialsOf(p.name);
    const name = document.createElement('span');
    name.textContent = typingIds.has(p.id) ? t('client.presence.typing', { name: p.name }) : p.name;
    chip.append(avatar, name);
    return chip;
  });
  box.replaceChildren(label, ...items);
  box.hidden = false;
}

/** Time for `typingSignal` (tests give their own). */
export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; returns the way to cancel it. */
  after(ms: number, fn: () => void): () => void;
}

const browserClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * "Is typing", sent sparingly: on at the first keystroke and again every 4 s while typing goes on
 * (the server forgets it after 8 s), off after 5 s without a keystroke or when asked.
 */
export function typingSignal(send: (on: boolean) => void, clock: Clock = browserClock): { typing(on: boolean): void; resume(): void } {
  let cancel: (() => void) | undefined;
  let sent = false;
  let sentAt = 0;
  const typing = (on: boolean): void => {
    cancel?.();
    cancel = on ? clock.after(5_000, () => typing(false)) : undefined;
    if (on === sent && (!on || clock.now() - sentAt < 4_000)) return;
    sent = on;
    sentAt = clock.now();
    send(on);
  };
  return {
    typing,
    /** After a reconnection: someone still typing says so again. */
    resume() {
      if (!sent) return;
      sent = false;
      typing(true);
    },
  };
}
