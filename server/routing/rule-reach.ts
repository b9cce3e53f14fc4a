/**
 * Which arrival rules can never apply. Rules are tried in order and the first that matches wins
 * (routing.service.ts), so a rule is dead when the rules before it take every arrival it matches —
 * one rule as wide as it, or several together (one per channel) — or when nothing can match it (a
 * mailbox with a channel other than email: only mail arrives at a mailbox). The routing page says so
 * beside the rule (QA: a copy of a rule, saved below it, was accepted and never used).
 *
 * Every arrival the rule matches is tried: its own conditions fixed, the others over every value the
 * earlier rules name plus one they do not (no category, no mailbox, no known office; every channel
 * and language, which are few). Pure: the page passes the rules, the teams a rule may use and the
 * categories offered.
 */
import { channels, ticketLanguages } from '../lib/ticket.vocabulary.js';
import type { RuleView } from './routing-rules.view.js';

type Match = RuleView['match'];
type Arrival = { [K in keyof Match]: Match[K] };

/**
 * Why a rule never applies: the rules before it take its arrivals; none can match it (`impossible`);
 * or it names a deactivated category, which no new request is given (`inactive_category`).
 */
export type DeadRule = { kind: 'shadowed'; by: string[] } | { kind: 'impossible' } | { kind: 'inactive_category' };

function matches(match: Match, arrival: Arrival): boolean {
  return (Object.keys(match) as Array<keyof Match>).every((field) => match[field] === null || match[field] === arrival[field]);
}

/**
 * The active rules that never apply, by id; `usable(team)` is whether routing may send to that team,
 * `offered(category)` whether the category is active.
 */
export function deadRules(
  rules: readonly RuleView[],
  usable: (team: string) => boolean,
  offered: (category: string) => boolean = () => true,
): Map<string, DeadRule> {
  const dead = new Map<string, DeadRule>();
  const live = rules.filter((r) => {
    if (!r.active || !usable(r.team)) return false;
    if (r.match.category !== null && !offered(r.match.category)) dead.set(r.id, { kind: 'inactive_category' });
    return !dead.has(r.id);
  });
  live.forEach((rule, index) => {
    const earlier = live.slice(0, index);
    const named = (field: keyof Match): Array<string | null> => [null, ...new Set(earlier.flatMap((r) => (r.match[field] === null ? [] : [r.match[field]])))];
    const own = rule.match;
    const values = {
      category: own.category === null ? named('category') : [own.category],
      channel: own.channel === null ? [...channels] : [own.channel],
      mailbox: own.mailbox === null ? named('mailbox') : [own.mailbox],
      language: own.language === null ? [...ticketLanguages] : [own.language],
      office: own.office === null ? named('office') : [own.office],
    };
    const winners = new Set<string>();
    let possible = false;
    for (const category of values.category)
      for (const channel of values.channel)
        for (const mailbox of values.mailbox) {
          // Only mail arrives at a mailbox.
          if (mailbox !== null && channel !== 'email') continue;
          for (const language of values.language)
            for (const office of values.office) {
              possible = true;
              const first = earlier.find((r) => matches(r.match, { category, channel, mailbox, language, office }));
              if (!first) return;
              winners.add(first.name);
            }
        }
    dead.set(rule.id, possible ? { kind: 'shadowed', by: [...winners] } : { kind: 'impossible' });
  });
  return dead;
}
