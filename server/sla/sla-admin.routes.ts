/**
 * The administration of business calendars and the recompute of open tickets' deadlines
 * (administrators only: every other role gets 403 before anything is read).
 *
 *   GET    /admin/calendars                              the default calendar and every office's
 *   GET    /admin/calendars/:office                      one (`default` or an office id)
 *   PUT    /admin/calendars/:office                      opening hours per weekday, holidays' region
 *   POST   /admin/calendars/:office/closures             add a closure day { date }
 *   DELETE /admin/calendars/:office/closures/:date       remove one
 *   GET    /admin/calendars/:office/preview              when a ticket arriving now would be due
 *   POST   /admin/sla/recompute                          recompute open tickets' deadlines (202, background)
 *   GET    /admin/sla/recompute/:id                      its progress
 */
import { z } from 'zod';
import type { Request } from 'express';
import { requireActor } from '../auth/current.js';
import { administratorsOnly } from '../auth/administrator.js';
import { route, type RouteSpec } from '../lib/route-table.js';
import { valid } from '../lib/validate.js';
import { belgianRegions, weekdays, type BusinessCalendar } from './calendar.js';
import {
  addClosure,
  calendarPreview,
  calendarTarget,
  calendarView,
  calendarsOverview,
  removeClosure,
  updateCalendar,
  type CalendarView,
} from './calendar-admin.js';
import { recomputeJob, startRecompute } from './recompute.js';

const tag = 'Administration';
const access = { kind: 'staff', policy: 'administer' } as const;
const before = [administratorsOnly];
const byOffice = { params: z.strictObject({ office: z.string().max(200) }) };
const interval = z.strictObject({ start: z.string().max(5), end: z.string().max(5) });
const dayHours = z.array(interval).max(6);
export const hoursSchema = z.strictObject(
  Object.fromEntries(weekdays.map((d) => [String(d), dayHours])) as Record<`${(typeof weekdays)[number]}`, typeof dayHours>,
);
const calendarChange = { ...byOffice, body: z.strictObject({ hours: hoursSchema.optional(), region: z.enum(belgianRegions).nullable().optional() }) };
const closure = { ...byOffice, body: z.strictObject({ date: z.string().max(10) }) };
const closureDay = { params: z.strictObject({ office: z.string().max(200), date: z.string().max(10) }) };
const recompute = { body: z.strictObject({ cause: z.enum(['calendar', 'policy']), label: z.string().trim().min(1).max(200) }) };
const jobId = { params: z.strictObject({ id: z.string().max(200) }) };

function presentCalendar(cal: BusinessCalendar) {
  return {
    name: cal.name,
    timeZone: cal.timeZone,
    hours: Object.fromEntries(weekdays.map((d) => [String(d), cal.hours[d].map((i) => ({ start: i.start, end: i.end }))])),
    holidays: cal.holidays,
    closures: [...cal.closures],
  };
}

export function presentCalendarView(view: CalendarView) {
  return { target: view.target, title: view.title, own: view.own, calendar: presentCalendar(view.calendar) };
}

const meta = (req: Request) => ({ ip: req.ip });

export function slaAdminRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/admin/calendars',
      tag,
      summary: 'The default business calendar and every office’s (administrators)',
      access,
      before,
      handler: async (_req, res) => {
        res.json({ calendars: (await calendarsOverview()).map(presentCalendarView) });
      },
    }),
    route({
      method: 'get',
      path: '/admin/calendars/:office',
      tag,
      summary: 'One business calendar: `default` or an office id (administrators)',
      access,
      before,
      ...byOffice,
      handler: async (req, res) => {
        res.json({ calendar: presentCalendarView(await calendarView(await calendarTarget(valid(req, byOffice).params.office))) });
      },
    }),
    route({
      method: 'put',
      path: '/admin/calendars/:office',
      tag,
      summary: 'Set opening hours per ISO weekday (1 = Monday) and the public holidays’ region (administrators; audited)',
      access,
      before,
      ...calendarChange,
      handler: async (req, res) => {
        const { params, body } = valid(req, calendarChange);
        const hours = body.hours ? (Object.fromEntries(weekdays.map((d) => [d, body.hours?.[`${d}`] ?? []])) as BusinessCalendar['hours']) : undefined;
        const view = await updateCalendar(requireActor(req), await calendarTarget(params.office), { hours, region: body.region }, meta(req));
        res.json({ calendar: presentCalendarView(view) });
      },
    }),
    route({
      method: 'post',
      path: '/admin/calendars/:office/closures',
      tag,
      summary: 'Add a closure day YYYY-MM-DD (administrators; audited)',
      access,
      before,
      ...closure,
      handler: async (req, res) => {
        const { params, body } = valid(req, closure);
        res.json({ calendar: presentCalendarView(await addClosure(requireActor(req), await calendarTarget(params.office), body.date, meta(req))) });
      },
    }),
    route({
      method: 'delete',
      path: '/admin/calendars/:office/closures/:date',
      tag,
      summary: 'Remove a closure day (administrators; audited)',
      access,
      before,
      ...closureDay,
      handler: async (req, res) => {
        const { params } = valid(req, closureDay);
        res.json({ calendar: presentCalendarView(await removeClosure(requireActor(req), await calendarTarget(params.office), params.date, meta(req))) });
      },
    }),
    route({
      method: 'get',
      path: '/admin/calendars/:office/preview',
      tag,
      summary: 'When a normal-priority ticket arriving now would be due there, and the coming holidays and closures (administrators)',
      access,
      before,
      ...byOffice,
      handler: async (req, res) => {
        const preview = await calendarPreview(await calendarTarget(valid(req, byOffice).params.office), new Date(), res.locals.locale ?? 'fr');
        res.json({ preview });
      },
    }),
    route({
      method: 'post',
      path: '/admin/sla/recompute',
      tag,
      summary: 'Recompute the open tickets’ deadlines after a calendar or policy change, in the background (administrators; audited)',
      access,
      before,
      success: 202,
      ...recompute,
      handler: async (req, res) => {
        const { job } = await startRecompute(requireActor(req), valid(req, recompute).body, meta(req));
        res.status(202).json({ job });
      },
    }),
    route({
      method: 'get',
      path: '/admin/sla/recompute/:id',
      tag,
      summary: 'The progress of a recompute (administrators)',
      access,
      before,
      ...jobId,
      handler: async (req, res) => {
        res.json({ job: await recomputeJob(valid(req, jobId).params.id) });
      },
    }),
  ];
}
