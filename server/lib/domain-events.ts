/**
 * Typed domain events, dispatched by service commands after their writes succeeded.
 * Subscribers (realtime publisher, mailer, SLA) register per type. A failing
 * subscriber is logged and never undoes or blocks the command that emitted.
 * `settled()` lets tests wait for every subscriber before asserting.
 */
import type { Logger } from './logger.js';

export interface DomainEventMap {
  'ticket.created': { ticketId: string };
  'ticket.changed': { ticketId: string; type: string; seq: number; actorId: string | null };
  /**
   * An SLA warning or breach was fired (its `sla_alert` or automatic `escalated` event is committed):
   * the live layer alerts the holder, the queue and, at level `supervisor`, the supervisors.
   */
  'sla.alert': {
    ticketId: string;
    key: string;
    kind: 'warning' | 'breach';
    deadline: string;
    label: string;
    /** When it fired (ISO 8601). */
    at: string;
    /** When the deadline falls due (ISO 8601). */
    dueAt: string | null;
    level: 'team' | 'supervisor';
    /** The breach escalated the ticket automatically (policy `onBreach.acceptance: escalate`). */
    escalated: boolean;
  };
  /** Sessions ended: that session, or (sessionId null) every session of the staff member. Live sockets close. */
  'auth.revoked': { sessionId: string | null; staffId: string | null };
  /** A member's name, address or member number changed (members/member-changes.ts): search rewrites their tickets. */
  'member.changed': { memberId: string };
  /** A staff member's record changed (name, roles, team, office, languages, active, token version): instances forget what they remember of it. */
  'staff.changed': { staffId: string };
  /** A staff member's password was changed by themselves (`changed`) or through a reset link (`reset`): they are told by mail. */
  'staff.password_changed': { staffId: string; at: string; how: 'changed' | 'reset' };
  /** A "send me a link" request was stored (the page has answered): the worker looks the address up now. */
  'member.link_requested': Record<string, never>;
  /** An unlock link was asked for (the route has answered): the worker looks the address up now. */
  'staff.unlock_requested': Record<string, never>;
  /** A "forgot password" request or an invitation was stored: the worker mails the link now. */
  'staff.password_link_requested': Record<string, never>;
}
export type DomainEventName = keyof DomainEventMap;
type Handler<K extends DomainEventName> = (payload: DomainEventMap[K]) => void | Promise<void>;

export class DomainEvents {
  private readonly handlers = new Map<DomainEventName, Handler<DomainEventName>[]>();
  private readonly pending = new Set<Promise<unknown>>();
  private logger: Logger | undefined;

  setLogger(logger: Logger): void {
    this.logger = logger;
  }

  subscribe<K extends DomainEventName>(name: K, handler: Handler<K>): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as Handler<DomainEventName>);
    this.handlers.set(name, list);
    return () => {
      const current = this.handlers.get(name) ?? [];
      this.handlers.set(
        name,
        current.filter((h) => h !== handler),
      );
    };
  }

  publish<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    for (const handler of this.handlers.get(name) ?? []) {
      const run = Promise.resolve()
        .then(() => handler(payload))
        .catch((error: unknown) => this.logger?.error({ err: error, event: name }, 'domain event subscriber failed'));
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
    }
  }

  /** Resolves once every subscriber started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

export const domainEvents = new DomainEvents();
