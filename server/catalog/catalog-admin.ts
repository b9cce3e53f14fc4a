/**
 * Administrators manage categories and reason codes: create one with its three labels (FR/NL/EN),
 * change its labels and order, deactivate or reactivate it. Nothing is ever deleted: tickets, events
 * and reports keep naming the code, and a deactivated one keeps its labels for them (it is only no
 * longer offered). The code itself never changes for the same reason. Every change is audited with
 * the record before and after; the caches that read these lists are cleared at once on this instance
 * (others see it within a few seconds: lib/ttl-cache.ts).
 */
import type { StaffActor } from '../auth/actor.js';
import { assertAdministrator } from '../auth/administrator.js';
import { recordAudit } from '../audit/audit.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import { clearConfigCaches } from '../lib/ttl-cache.js';
import type { CreateCategory, CreateReasonCode, UpdateCategory, UpdateReasonCode } from './catalog-admin.schemas.js';
import { CategoryModel, ReasonCodeModel } from './category.model.js';

/** The reason code automatic SLA escalations carry (sla/actions.ts): it must stay active. */
const SYSTEM_REASON_CODES = new Set(['sla_breach']);

export interface CatalogItemView {
  code: string;
  label: { fr: string; nl: string; en: string };
  order: number;
  active: boolean;
  /** Reason codes only: which moves offer it. */
  appliesTo?: string[];
}

interface StoredItem {
  code: string;
  label: { fr: string; nl: string; en: string };
  order?: number | null;
  active?: boolean | null;
  appliesTo?: string[];
}

function present(doc: StoredItem, withMoves: boolean): CatalogItemView {
  return {
    code: doc.code,
    label: { fr: doc.label.fr, nl: doc.label.nl, en: doc.label.en },
    order: doc.order ?? 0,
    active: doc.active !== false,
    ...(withMoves ? { appliesTo: [...(doc.appliesTo ?? [])] } : {}),
  };
}

/**
 * Refuses a label another active item already shows in the same language (spaces and case aside):
 * members choose a category by its label on the help form, and staff a reason by its label.
 */
async function assertDistinctLabels(model: typeof CategoryModel | typeof ReasonCodeModel, code: string, label: StoredItem['label']): Promise<void> {
  const norm = (text: string) => text.trim().replace(/\s+/g, ' ').toLocaleLowerCase();
  const others = await model.collection.find<StoredItem>({ code: { $ne: code }, active: { $ne: false } }, { projection: { code: 1, label: 1 } }).toArray();
  for (const language of ['fr', 'nl', 'en'] as const) {
    const taken = others.find((o) => norm(o.label[language]) === norm(label[language]));
    if (taken) throw new ConflictError(`The ${language} label "${label[language]}" is already the label of "${taken.code}".`, { reason: 'label_taken' });
  }
}

function isDuplicate(error: unknown): boolean {
  return (error as { code?: unknown }).code === 11000;
}

interface Meta {
  ip?: string;
}

/** Every category, active or not, in order (a small collection, read whole). */
export async function listCategoriesForAdmin(): Promise<CatalogItemView[]> {
  const docs = await CategoryModel.find({}).sort({ order: 1, code: 1 }).lean<StoredItem[]>();
  return docs.map((d) => present(d, false));
}

export async function listReasonCodesForAdmin(): Promise<CatalogItemView[]> {
  const docs = await ReasonCodeModel.find({}).sort({ order: 1, code: 1 }).lean<StoredItem[]>();
  return docs.map((d) => present(d, true));
}

export async function createCategory(actor: StaffActor, props: CreateCategory, meta: Meta = {}): Promise<CatalogItemView> {
  assertAdministrator(actor);
  if (props.active !== false) await assertDistinctLabels(CategoryModel, props.code, props.label);
  try {
    await CategoryModel.create({ code: props.code, label: props.label, order: props.order ?? 0, active: props.active ?? true });
  } catch (error) {
    if (isDuplicate(error)) throw new ConflictError(`A category with the code "${props.code}" already exists.`, { reason: 'code_taken' });
    throw error;
  }
  const after = present((await CategoryModel.findOne({ code: props.code }).lean<StoredItem>()) as StoredItem, false);
  clearConfigCaches();
  await recordAudit(actor, {
    action: 'category.create',
    target: { kind: 'category', id: after.code, label: after.label.fr },
    after: { ...after },
    ip: meta.ip,
  });
  return after;
}

export async function updateCategory(actor: StaffActor, code: string, props: UpdateCategory, meta: Meta = {}): Promise<CatalogItemView> {
  assertAdministrator(actor);
  const doc = await CategoryModel.findOne({ code }).lean<StoredItem>();
  if (!doc) throw new NotFoundError('No such category.');
  const before = present(doc, false);
  if ((props.active ?? before.active) && (props.label || props.active)) await assertDistinctLabels(CategoryModel, code, props.label ?? before.label);
  const set: Record<string, unknown> = {};
  if (props.label) set.label = props.label;
  if (props.order !== undefined) set.order = props.order;
  if (props.active !== undefined) set.active = props.active;
  if (Object.keys(set).length > 0) await CategoryModel.updateOne({ code }, { $set: set });
  const after = { ...before, ...set } as CatalogItemView;
  clearConfigCaches();
  await recordAudit(actor, {
    action: 'category.update',
    target: { kind: 'category', id: code, label: after.label.fr },
    before: { ...before },
    after: { ...after },
    ip: meta.ip,
  });
  return after;
}

export async function createReasonCode(actor: StaffActor, props: CreateReasonCode, meta: Meta = {}): Promise<CatalogItemView> {
  assertAdministrator(actor);
  if (props.active !== false) await assertDistinctLabels(ReasonCodeModel, props.code, props.label);
  try {
    await ReasonCodeModel.create({
      code: props.code,
      label: props.label,
      order: props.order ?? 0,
      active: props.active ?? true,
      appliesTo: props.appliesTo ?? ['escalate'],
    });
  } catch (error) {
    if (isDuplicate(error)) throw new ConflictError(`A reason code "${props.code}" already exists.`, { reason: 'code_taken' });
    throw error;
  }
  const after = present((await ReasonCodeModel.findOne({ code: props.code }).lean<StoredItem>()) as StoredItem, true);
  clearConfigCaches();
  await recordAudit(actor, {
    action: 'reason_code.create',
    target: { kind: 'reason_code', id: after.code, label: after.label.fr },
    after: { ...after },
    ip: meta.ip,
  });
  return after;
}

export async function updateReasonCode(actor: StaffActor, code: string, props: UpdateReasonCode, meta: Meta = {}): Promise<CatalogItemView> {
  assertAdministrator(actor);
  const doc = await ReasonCodeModel.findOne({ code }).lean<StoredItem>();
  if (!doc) throw new NotFoundError('No such reason code.');
  if (props.active === false && SYSTEM_REASON_CODES.has(code)) {
    throw new ConflictError(`"${code}" is the reason automatic SLA escalations carry: it cannot be deactivated.`);
  }
  const before = present(doc, true);
  if ((props.active ?? before.active) && (props.label || props.active)) await assertDistinctLabels(ReasonCodeModel, code, props.label ?? before.label);
  const set: Record<string, unknown> = {};
  if (props.label) set.label = props.label;
  if (props.order !== undefined) set.order = props.order;
  if (props.active !== undefined) set.active = props.active;
  if (props.appliesTo !== undefined) set.appliesTo = [...new Set(props.appliesTo)];
  if (Object.keys(set).length > 0) await ReasonCodeModel.updateOne({ code }, { $set: set });
  const after = { ...before, ...set } as CatalogItemView;
  clearConfigCaches();
  await recordAudit(actor, {
    action: 'reason_code.update',
    target: { kind: 'reason_code', id: code, label: after.label.fr },
    before: { ...before },
    after: { ...after },
    ip: meta.ip,
  });
  return after;
}
