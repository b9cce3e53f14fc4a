/**
 * The API's route table. Every JSON route is declared here with its zod schemas,
 * who may call it and the policy action it checks, so that:
 *  - validation runs before the handler, always (`validate`);
 *  - a route that is neither public nor tied to a policy action cannot be declared;
 *  - the OpenAPI document and the authorization matrix test are generated from it.
 */
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { validate } from './validate.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * `public`: anyone (login, health). `staff`: every signed-in staff member; the
 * handler then checks `policy` against the object it acts on (fail-closed).
 */
export type Access = { kind: 'public'; why: string } | { kind: 'staff'; policy: string };

export interface RouteSpec<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Express path below the router's mount point, e.g. `/tickets/:id/claim`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** Status of a successful answer (documentation and matrix test). */
  success?: number;
  /** Schema of the successful answer, for the OpenAPI document. */
  response?: z.ZodType;
  /**
   * Runs after the staff check and before validation: e.g. a route that also takes
   * `multipart/form-data` (files) reads it into `req.body` here, so the same zod schema applies.
   */
  before?: RequestHandler[];
  handler: (req: Request, res: Response, next: NextFunction) => unknown;
}

export interface RegisteredRoute extends RouteSpec {
  /** Full path including the mount point, e.g. `/api/v1/tickets/:id/claim`. */
  fullPath: string;
}

const registry: RegisteredRoute[] = [];

/** Every declared API route (for OpenAPI and the authorization matrix). */
export function registeredRoutes(): readonly RegisteredRoute[] {
  return registry;
}

/** Declares a route: identity for typing, so handlers see their schemas. */
export function route<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined>(
  spec: RouteSpec<B, Q, P>,
): RouteSpec<B, Q, P> {
  return spec;
}

/**
 * Mounts the specs on a router. `requireStaff` runs first on every non-public route.
 * The registry is keyed by method and full path, so building the app twice (tests) does
 * not list a route twice.
 */
export function mountRoutes(router: Router, mountPath: string, specs: RouteSpec[], requireStaff: RequestHandler): void {
  for (const spec of specs) {
    const chain: RequestHandler[] = [];
    if (spec.access.kind === 'staff') chain.push(requireStaff);
    chain.push(...(spec.before ?? []));
    chain.push(validate({ body: spec.body, query: spec.query, params: spec.params }));
    router[spec.method](spec.path, ...chain, spec.handler as RequestHandler);
    const fullPath = `${mountPath}${spec.path}`;
    if (!registry.some((r) => r.method === spec.method && r.fullPath === fullPath)) registry.push({ ...spec, fullPath });
  }
}
