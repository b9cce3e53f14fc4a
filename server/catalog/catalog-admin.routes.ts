/**
 * The administration of categories and reason codes (administrators only; every other role gets
 * 403 before anything is read). Staff read the active lists through GET /categories and
 * GET /reason-codes (catalog.routes.ts); these list every one, inactive included.
 *
 *   GET   /admin/categories          POST /admin/categories          PATCH /admin/categories/:code
 *   GET   /admin/reason-codes        POST /admin/reason-codes        PATCH /admin/reason-codes/:code
 *
 * No DELETE: a code stays named by tickets, events and reports; deactivate it instead.
 */
import { z } from 'zod';
import { requireActor } from '../auth/current.js';
import { administratorsOnly } from '../auth/administrator.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { createCategory, createReasonCode, listCategoriesForAdmin, listReasonCodesForAdmin, updateCategory, updateReasonCode } from './catalog-admin.js';
import { createCategoryBody, createReasonCodeBody, updateCategoryBody, updateReasonCodeBody } from './catalog-admin.schemas.js';

const tag = 'Administration';
const access = { kind: 'staff', policy: 'administer' } as const;
const before = [administratorsOnly];
// Any text up to 200: an unknown code is a 404 from the service, not a 400.
const byCode = { params: z.strictObject({ code: z.string().max(200) }) };
const newCategory = { body: createCategoryBody };
const changeCategory = { ...byCode, body: updateCategoryBody };
const newReason = { body: createReasonCodeBody };
const changeReason = { ...byCode, body: updateReasonCodeBody };

export function catalogAdminRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/admin/categories',
      tag,
      summary: 'Every category with its three labels, inactive included (administrators)',
      access,
      before,
      handler: async (_req, res) => {
        res.json({ categories: await listCategoriesForAdmin() });
      },
    }),
    route({
      method: 'post',
      path: '/admin/categories',
      tag,
      summary: 'Create a category with its FR/NL/EN labels (administrators; audited)',
      access,
      before,
      success: 201,
      ...newCategory,
      handler: async (req, res) => {
        const category = await createCategory(requireActor(req), valid(req, newCategory).body, { ip: req.ip });
        res.status(201).json({ category });
      },
    }),
    route({
      method: 'patch',
      path: '/admin/categories/:code',
      tag,
      summary: "Change a category's labels or order, deactivate or reactivate it (administrators; audited)",
      access,
      before,
      ...changeCategory,
      handler: async (req, res) => {
        const { params, body } = valid(req, changeCategory);
        res.json({ category: await updateCategory(requireActor(req), params.code, body, { ip: req.ip }) });
      },
    }),
    route({
      method: 'get',
      path: '/admin/reason-codes',
      tag,
      summary: 'Every reason code with its labels and moves, inactive included (administrators)',
      access,
      before,
      handler: async (_req, res) => {
        res.json({ reasonCodes: await listReasonCodesForAdmin() });
      },
    }),
    route({
      method: 'post',
      path: '/admin/reason-codes',
      tag,
      summary: 'Create a reason code with its FR/NL/EN labels and the moves that offer it (administrators; audited)',
      access,
      before,
      success: 201,
      ...newReason,
      handler: async (req, res) => {
        const reasonCode = await createReasonCode(requireActor(req), valid(req, newReason).body, { ip: req.ip });
        res.status(201).json({ reasonCode });
      },
    }),
    route({
      method: 'patch',
      path: '/admin/reason-codes/:code',
      tag,
      summary: "Change a reason code's labels, order or moves, deactivate or reactivate it (administrators; audited)",
      access,
      before,
      ...changeReason,
      handler: async (req, res) => {
        const { params, body } = valid(req, changeReason);
        res.json({ reasonCode: await updateReasonCode(requireActor(req), params.code, body, { ip: req.ip }) });
      },
    }),
  ];
}
