/**
 * The administration's one rule: administrators only. API routes put `administratorsOnly` in their
 * `before` list, so every other role gets the same 403 before their body or id is even looked at
 * (nothing about what exists leaks to them); services call `assertAdministrator` again, so a page
 * or a script reaching them another way is refused too.
 */
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../lib/errors.js';
import { hasRole, type Actor } from './actor.js';

export function isAdministrator(actor: Actor | undefined | null): boolean {
  return !!actor && hasRole(actor, 'administrator');
}

export function assertAdministrator(actor: Actor): void {
  if (!isAdministrator(actor)) throw new ForbiddenError('Only administrators manage this.');
}

/** Route-table `before` middleware: 401 without a staff session, 403 for any role but administrator. */
export function administratorsOnly(req: Request, _res: Response, next: NextFunction): void {
  if (!req.actor) throw new UnauthorizedError();
  assertAdministrator(req.actor);
  next();
}
