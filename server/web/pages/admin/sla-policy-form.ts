/**
 * The SLA policy form of `/staff/admin/sla-policies`: the name and its FR/NL/EN labels, targets typed in business hours ("4", "1,5" or "1.5";
 * empty = no such deadline), thresholds as comma-separated numbers, criteria as ticked boxes. Turned
 * into the API's body and checked by the same schema (sla/policy-admin.routes.ts), so the page and the
 * API refuse the same things.
 */
import { fieldProblems } from '../../../lib/validate.js';
import { BadRequestError, type FieldProblem } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import type { Formatter } from '../format.js';
import { acceptanceBreachActions, resolutionBreachActions, type PolicyView } from '../../../sla/policy-admin.js';
import { policyBody, type PolicyBody } from '../../../sla/policy-admin.routes.js';
import { priorities, tiers } from '../../../lib/ticket.vocabulary.js';
import { formField, nameFields, type FieldLabels } from './admin-page.js';

/** Every value of a repeated field (ticked boxes), as text. */
function formList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
}

/** "1.5" or "1,5" hours → 90 minutes; '' → null; anything else is left for the schema to refuse (NaN). */
function hoursToMinutes(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  // A negative number is read as one, so the schema says it must be positive (QA: "-5" was "a number is expected").
  return /^-?\d+(\.\d+)?$/.test(t) ? Math.round(Number(t) * 60) : Number.NaN;
}

function numbers(text: string): number[] {
  return (
    text
      .split(/[,;\s]+/)
      .filter(Boolean)
      // A negative number is read as one, so the schema says how small it may be (not "a number is expected").
      .map((n) => (/^-?\d+$/.test(n) ? Number(n) : Number.NaN))
  );
}

/** 90 minutes → "1,5" in French and Dutch, "1.5" in English: what the form shows and reads back. */
function minutesToHours(m: number | null, fmt: Formatter): string {
  return m === null ? '' : fmt.decimal(m / 60, 2);
}

/** A target in business hours for the lists ("1,5 h", "1.5 h"); '—' for none. */
export function targetHoursText(m: number | null, t: Translate, fmt: Formatter): string {
  return m === null ? '—' : t('admin.calendars.hours', { value: fmt.decimal(m / 60) });
}

/** The form's fields as typed, to show again after a refusal. */
export type PolicyFormInput = Record<string, string | string[]>;

export function policyFormInput(body: unknown): PolicyFormInput {
  const text = [
    'name',
    'order',
    'active',
    'first',
    'next',
    'resolution',
    'accept_1',
    'accept_2',
    'accept_3',
    'percents',
    'minutesBefore',
    'onAcceptance',
    'onResolution',
  ];
  const lists = ['categories', 'priorities', 'tiers', 'offices'];
  // The names in each language only when the form sent them: a form without them leaves them as they are.
  const sent = (body ?? {}) as Record<string, unknown>;
  const labels = labelKeys.some((k) => k in sent) ? Object.fromEntries(labelKeys.map((k) => [k, formField(body, k)])) : {};
  return {
    ...Object.fromEntries(text.map((k) => [k, formField(body, k)])),
    ...labels,
    ...Object.fromEntries(lists.map((k) => [k, formList(body, k)])),
  };
}

const labelKeys = ['labels_fr', 'labels_nl', 'labels_en'] as const;

/** The policy form's fields by their labels, by the API schema's paths. */
export const policyFields: FieldLabels = {
  name: 'slaPolicies.field.name',
  order: 'slaPolicies.field.order',
  ...nameFields,
  'targets.firstResponseMinutes': 'slaPolicies.field.first',
  'targets.nextResponseMinutes': 'slaPolicies.field.next',
  'targets.resolutionMinutes': 'slaPolicies.field.resolution',
  'targets.acceptanceMinutes': 'slaPolicies.field.targets',
  'warnings.percents': 'slaPolicies.field.percents',
  'warnings.minutesBefore': 'slaPolicies.field.minutes_before',
  'onBreach.acceptance': 'slaPolicies.field.on_acceptance',
  'onBreach.resolution': 'slaPolicies.field.on_resolution',
  'match.categories': 'slaPolicies.field.categories',
  'match.priorities': 'slaPolicies.field.priorities',
  'match.tiers': 'slaPolicies.field.tiers',
  'match.offices': 'slaPolicies.field.offices',
};

/** The API body from the form, through the API's schema (a 400 naming the fields otherwise). */
export function policyFromForm(input: PolicyFormInput): PolicyBody {
  const s = (k: string) => (typeof input[k] === 'string' ? input[k] : '');
  const l = (k: string) => (Array.isArray(input[k]) ? input[k] : []);
  const order = s('order').trim();
  const hasLabels = labelKeys.some((k) => typeof input[k] === 'string');
  const parsed = policyBody.safeParse({
    name: s('name'),
    ...(hasLabels ? { labels: { fr: s('labels_fr'), nl: s('labels_nl'), en: s('labels_en') } } : {}),
    order: /^-?\d+$/.test(order) ? Number(order) : Number.NaN,
    active: s('active') === '1',
    match: { categories: l('categories'), priorities: l('priorities'), tiers: l('tiers').map(Number), offices: l('offices') },
    targets: {
      firstResponseMinutes: hoursToMinutes(s('first')),
      nextResponseMinutes: hoursToMinutes(s('next')),
      resolutionMinutes: hoursToMinutes(s('resolution')),
      acceptanceMinutes: { 1: hoursToMinutes(s('accept_1')), 2: hoursToMinutes(s('accept_2')), 3: hoursToMinutes(s('accept_3')) },
    },
    warnings: { percents: numbers(s('percents')), minutesBefore: numbers(s('minutesBefore')) },
    onBreach: { acceptance: s('onAcceptance'), resolution: s('onResolution') },
  });
  if (!parsed.success) throw new BadRequestError('invalid', fieldProblems(parsed.error).map(inHours));
  return parsed.data;
}

/** The targets are typed in hours and checked in minutes: a limit the schema gives is said in hours (QA: "at most 525600" for hours). */
function inHours(problem: FieldProblem): FieldProblem {
  const limit = problem.reason?.limit;
  // Only a maximum: the minimum (1 minute) is no whole hour, and "a positive number" says it better.
  if (!problem.path.startsWith('targets.') || limit === undefined || problem.reason?.code !== 'too_big') return problem;
  return { ...problem, reason: { ...problem.reason, limit: Math.floor(limit / 60) } };
}

/** A policy as the form shows it (hours with the page's decimal separator). */
export function policyFormFromView(view: PolicyView, fmt: Formatter): PolicyFormInput {
  return {
    name: view.name,
    labels_fr: view.labels.fr ?? '',
    labels_nl: view.labels.nl ?? '',
    labels_en: view.labels.en ?? '',
    order: String(view.order),
    active: view.active ? '1' : '',
    first: minutesToHours(view.targets.firstResponseMinutes, fmt),
    next: minutesToHours(view.targets.nextResponseMinutes, fmt),
    resolution: minutesToHours(view.targets.resolutionMinutes, fmt),
    accept_1: minutesToHours(view.targets.acceptanceMinutes[1], fmt),
    accept_2: minutesToHours(view.targets.acceptanceMinutes[2], fmt),
    accept_3: minutesToHours(view.targets.acceptanceMinutes[3], fmt),
    percents: view.warnings.percents.join(', '),
    minutesBefore: view.warnings.minutesBefore.join(', '),
    onAcceptance: view.onBreach.acceptance,
    onResolution: view.onBreach.resolution,
    categories: view.match.categories,
    priorities: view.match.priorities,
    tiers: view.match.tiers.map(String),
    offices: view.match.offices,
  };
}

/** A new policy's form: normal priority's usual targets, nothing chosen. */
export function emptyPolicyForm(nextOrder: number): PolicyFormInput {
  return {
    name: '',
    labels_fr: '',
    labels_nl: '',
    labels_en: '',
    order: String(nextOrder),
    active: '1',
    first: '4',
    next: '4',
    resolution: '24',
    accept_1: '',
    accept_2: '',
    accept_3: '',
    percents: '75',
    minutesBefore: '15',
    onAcceptance: 'none',
    onResolution: 'none',
    categories: [],
    priorities: [],
    tiers: [],
    offices: [],
  };
}

/** What the template needs: the values, and every choice with its label and whether it is ticked. */
export function policyFormView(
  input: PolicyFormInput,
  t: Translate,
  choices: { categories: Array<{ value: string; label: string }>; offices: Array<{ id: string; name: string }> },
) {
  const s = (k: string) => (typeof input[k] === 'string' ? input[k] : '');
  const ticked = (k: string, v: string) => Array.isArray(input[k]) && input[k].includes(v);
  return {
    name: s('name'),
    labels: { fr: s('labels_fr'), nl: s('labels_nl'), en: s('labels_en') },
    order: s('order'),
    active: s('active') === '1',
    first: s('first'),
    next: s('next'),
    resolution: s('resolution'),
    acceptance: tiers.map((x) => ({ tier: x, value: s(`accept_${x}`), label: t('admin.calendars.tier', { tier: x }) })),
    percents: s('percents'),
    minutesBefore: s('minutesBefore'),
    priorities: priorities.map((p) => ({ value: p, label: t(`priority.${p}`), checked: ticked('priorities', p) })),
    tiers: tiers.map((x) => ({ value: String(x), label: t('admin.calendars.tier', { tier: x }), checked: ticked('tiers', String(x)) })),
    categories: choices.categories.map((c) => ({ ...c, checked: ticked('categories', c.value) })),
    offices: choices.offices.map((o) => ({ value: o.id, label: o.name, checked: ticked('offices', o.id) })),
    onAcceptance: acceptanceBreachActions.map((a) => ({ value: a, label: t(`slaPolicies.breach.${a}`), selected: a === s('onAcceptance') })),
    onResolution: resolutionBreachActions.map((a) => ({ value: a, label: t(`slaPolicies.breach.${a}`), selected: a === s('onResolution') })),
  };
}
