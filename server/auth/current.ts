import type { Request } from 'express';
import { UnauthorizedError } from '../lib/errors.js';
import type { StaffActor } from './actor.js';

/** The signed-in staff member of a request that passed `requireStaff`. */
export function requireActor(req: Request): StaffActor {
  if (!req.actor) throw new UnauthorizedError();
  return req.actor;
}
