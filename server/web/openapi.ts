/**
 * The OpenAPI 3.1 document, generated from the route table's zod schemas so it
 * cannot drift from what the server validates. Served at `GET /api/openapi.json`.
 */
import { z } from 'zod';
import { registeredRoutes } from '../lib/route-table.js';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [
            'bad_request',
            'validation_failed',
            'unauthorized',
            'forbidden',
            'not_found',
            'conflict',
            'gone',
            'payload_too_large',
            'unprocessable',
            'rate_limited',
            'unavailable',
            'internal',
          ],
        },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

function parameters(schema: z.ZodType | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

export function buildOpenApiDocument(serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of registeredRoutes()) {
    const path = r.fullPath.replace(/^\/api/, '').replace(/:([A-Za-z_]+)/g, '{$1}');
    const errors: Record<string, JsonSchema> = {};
    for (const [status, description] of [
      ['400', 'Invalid input (the message and `fields` say what to fix)'],
      ...(r.access.kind === 'staff'
        ? [
            ['401', 'Not signed in, or the token expired or was revoked'],
            ['403', 'Not allowed'],
            ['404', 'Not found, or not visible to you'],
          ]
        : []),
      ...(r.method !== 'get' ? [['409', 'Conflict: the ticket changed meanwhile, or the move is not possible now']] : []),
    ] as [string, string][]) {
      errors[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(r.access.kind === 'staff' ? { security: [{ bearer: [] }, { cookie: [] }] } : { security: [] }),
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } } } : {}),
      responses: {
        [String(r.success ?? 200)]: {
          description: 'Success',
          content: { 'application/json': { schema: r.response ? toSchema(r.response, 'output') : { type: 'object' } } },
        },
        ...errors,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Relais API',
      version: '1.0.0',
      description:
        'Tickets, tiers and escalations. Every mutating command takes the `version` of the ticket the client saw; a stale one gets 409 with the current ticket.',
    },
    servers: [{ url: `${serverUrl}/api` }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'relais_at', description: 'Web session; unsafe requests also need the x-csrf-token header' },
      },
    },
  };
}
