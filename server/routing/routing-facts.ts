/**
 * "Why is this ticket here?" as facts and as a sentence in the reader's language. The routing
 * decision (routing.service.ts) stores the facts on the ticket; pages turn them into a sentence
 * with the names of teams, offices and categories in the page's language. Tickets stored before
 * the facts existed have only an English sentence: the page says in its language that they were
 * routed before the reasons were kept, and shows that sentence as the original record. A leaf: the
 * ticket model reads its types.
 */
import type { Translate } from '../lib/i18n.js';

/** A fact a routing rule matched on (its value as stored: a category code, a channel, an address…). */
export interface MatchedFact {
  field: 'category' | 'channel' | 'mailbox' | 'language' | 'office';
  value: string;
}

/**
 * Why a ticket went where it did, as facts rather than a sentence, so each reader gets it in their
 * language (routing.explain.ts); stored on the ticket beside the English `explanation` the API keeps.
 */
export interface RoutingFacts {
  kind: 'rule' | 'requested_office' | 'member_office' | 'default_office';
  team: string;
  office: string;
  /** The rule that matched (`kind: 'rule'`) and what it matched on. */
  ruleName?: string;
  matched?: MatchedFact[];
  /** Who chose the office (`kind: 'requested_office'`). */
  requestedBy?: string;
  /** The office the request was for, when it had no active tier-1 team and the default office's took it (`office` is then the default office). */
  wantedOffice?: string;
  /** The member's office, closed when the request arrived (`kind: 'default_office'`): why the default office took it. */
  closedOffice?: string;
  /** The ticket's facts on arrival. */
  category: string | null;
  language: string;
  channel: string;
  /** The address it was written to (mail only), when Relais receives mail at several (`INBOUND_EXTRA_ADDRESSES`). */
  mailbox?: string;
}

/** How a page names what the facts point to, in its language. */
export interface RoutingNames {
  team(id: string): string | null;
  office(id: string): string | null;
  category(code: string): string | null;
  channel(code: string): string;
  language(code: string): string;
}

function matchedText(m: MatchedFact, t: Translate, n: RoutingNames): string {
  switch (m.field) {
    case 'category':
      return t('wording.routing.match.category', { value: n.category(m.value) ?? m.value });
    case 'channel':
      return t('wording.routing.match.channel', { value: n.channel(m.value) });
    case 'language':
      return t('wording.routing.match.language', { value: n.language(m.value) });
    case 'mailbox':
      return t('wording.routing.match.mailbox', { value: m.value });
    default:
      return t('wording.routing.match.office');
  }
}

/**
 * The routing of a ticket in one sentence of the reader's language; for older tickets (no facts), a
 * sentence saying so — their stored English one is `legacyRoutingRecord`.
 */
export function routingSentence(routing: { explanation: string; facts?: RoutingFacts | null }, t: Translate, n: RoutingNames): string {
  const f = routing.facts;
  if (!f?.kind) return t('wording.routing.legacy');
  const team = n.team(f.team) ?? t('common.a_team');
  const office = n.office(f.office) ?? '';
  if (f.kind === 'rule') {
    const matched = (f.matched ?? []).map((m) => matchedText(m, t, n));
    return matched.length
      ? t('wording.routing.rule_because', { team, rule: f.ruleName ?? '', because: matched.join(t('wording.routing.and')) })
      : t('wording.routing.rule', { team, rule: f.ruleName ?? '' });
  }
  const facts = [
    f.category ? t('wording.routing.match.category', { value: n.category(f.category) ?? f.category }) : null,
    t('wording.routing.match.language', { value: n.language(f.language) }),
    t('wording.routing.match.channel', { value: n.channel(f.channel) }),
  ].filter((x): x is string => x !== null);
  const key = f.kind === 'default_office' && f.closedOffice ? 'default_office_closed' : f.kind;
  const sentence = t(`wording.routing.${key}`, {
    team,
    closed: f.closedOffice ? (n.office(f.closedOffice) ?? '') : '',
    office: f.wantedOffice ? (n.office(f.wantedOffice) ?? '') : office,
    by: f.requestedBy ?? '',
    facts: facts.join(', '),
  });
  return f.wantedOffice ? `${sentence} ${t('wording.routing.office_without_team', { wanted: n.office(f.wantedOffice) ?? '', office, team })}` : sentence;
}

/** The English sentence stored with a ticket routed before the facts existed (the original record); null when it has facts. */
export function legacyRoutingRecord(routing: { explanation: string; facts?: RoutingFacts | null }): string | null {
  return routing.facts?.kind ? null : routing.explanation || null;
}
