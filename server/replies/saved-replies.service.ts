/**
 * Saved replies and signatures: list, create, change and delete (saved-reply.policy.ts decides who
 * may), and the text of a saved reply for one ticket — in the ticket's language, placeholders filled
 * on the server for a ticket the actor may read. The result is text for the reply box (reply
 * markup), never HTML: the reply command formats and sanitizes it when it is sent.
 */
import { Types } from 'mongoose';
import { hasRole, type StaffActor } from '../auth/actor.js';
import { BadRequestError, ForbiddenError } from '../lib/errors.js';
import { StaffModel } from '../staff/staff.model.js';
import { readableTicket } from '../tickets/ticket.queries.js';
import { replyLanguage, uiLocales, type UiLocale } from '../lib/ticket.vocabulary.js';
import { placeholderValues } from '../tickets/reply-placeholders.js';
import { fillPlaceholders, refuseUnknownPlaceholders } from '../lib/placeholders.js';
import { SavedReplyModel, type SavedReply, type SavedReplyScope } from './saved-reply.model.js';
import { authorizeSavedReply, canCreateSavedReply, canManageSavedReply, canReadSavedReply } from './saved-reply.policy.js';

export interface SavedReplyView {
  id: string;
  /** The title in the reader's language when it has one there, else its main title. */
  title: string;
  /** The main title, and the title in each language as given (empty: none). */
  mainTitle: string;
  titles: { fr: string; nl: string; en: string };
  body: { fr: string; nl: string; en: string };
  scope: SavedReplyScope;
  office: string | null;
  mine: boolean;
  canManage: boolean;
  updatedAt: string;
}

/** A saved reply's title in `locale` (a person reading the page in Dutch sees the Dutch one), else its main title. */
export function titleIn(reply: Pick<SavedReply, 'title' | 'titles'>, locale: UiLocale): string {
  return reply.titles?.[locale]?.trim() || reply.title;
}

export function presentSavedReply(reply: SavedReply, actor: StaffActor, locale: UiLocale = 'fr'): SavedReplyView {
  return {
    id: String(reply._id),
    title: titleIn(reply, locale),
    mainTitle: reply.title,
    titles: { fr: reply.titles?.fr ?? '', nl: reply.titles?.nl ?? '', en: reply.titles?.en ?? '' },
    body: { fr: reply.body?.fr ?? '', nl: reply.body?.nl ?? '', en: reply.body?.en ?? '' },
    scope: reply.scope,
    office: reply.office ? String(reply.office) : null,
    mine: reply.scope === 'personal',
    canManage: canManageSavedReply(actor, reply),
    updatedAt: reply.updatedAt.toISOString(),
  };
}

async function findReply(id: string): Promise<SavedReply | null> {
  return /^[0-9a-f]{24}$/i.test(id) ? SavedReplyModel.findById(id).lean<SavedReply>() : null;
}

/** Every saved reply the actor may use: their own, then the shared ones they may read, by title (in `locale`). */
export async function listSavedReplies(actor: StaffActor, locale: UiLocale = 'fr'): Promise<SavedReplyView[]> {
  const [mine, shared] = await Promise.all([
    SavedReplyModel.find({ owner: actor.id }).lean<SavedReply[]>(),
    SavedReplyModel.find({ scope: 'shared' }).lean<SavedReply[]>(),
  ]);
  const byTitle = (a: SavedReply, b: SavedReply) => titleIn(a, locale).localeCompare(titleIn(b, locale), locale);
  return [...mine.filter((r) => r.scope === 'personal').sort(byTitle), ...shared.filter((r) => canReadSavedReply(actor, r)).sort(byTitle)].map((r) =>
    presentSavedReply(r, actor, locale),
  );
}

export async function getSavedReply(actor: StaffActor, id: string, locale: UiLocale = 'fr'): Promise<SavedReplyView> {
  const reply = await findReply(id);
  authorizeSavedReply(actor, 'read', reply);
  return presentSavedReply(reply as SavedReply, actor, locale);
}

function cleanTitles(titles: Partial<Record<UiLocale, string>>): Record<UiLocale, string> {
  return { fr: titles.fr?.trim() ?? '', nl: titles.nl?.trim() ?? '', en: titles.en?.trim() ?? '' };
}

function cleanBodies(body: Partial<Record<UiLocale, string>>): Record<UiLocale, string> {
  for (const locale of uiLocales) refuseUnknownPlaceholders(body[locale] ?? '', `body.${locale}`);
  return { fr: body.fr?.trim() ?? '', nl: body.nl?.trim() ?? '', en: body.en?.trim() ?? '' };
}

/**
 * Creates a saved reply. Personal: the actor's own. Shared: for an office (by default the actor's)
 * by its supervisors or an administrator, or for the whole organisation (`office: null`) by an administrator.
 */
export async function createSavedReply(
  actor: StaffActor,
  input: { title: string; titles?: Partial<Record<UiLocale, string>>; body: Partial<Record<UiLocale, string>>; scope: SavedReplyScope; office?: string | null },
  locale: UiLocale = 'fr',
): Promise<SavedReplyView> {
  const office =
    input.scope === 'personal' ? null : input.office === undefined ? actor.office : input.office === null ? null : new Types.ObjectId(input.office);
  if (!canCreateSavedReply(actor, input.scope, office)) {
    throw new ForbiddenError(
      hasRole(actor, 'supervisor') ? 'Supervisors share saved replies with their own office only.' : 'Only supervisors and administrators share saved replies.',
    );
  }
  const doc = await SavedReplyModel.create({
    title: input.title,
    titles: cleanTitles(input.titles ?? {}),
    body: cleanBodies(input.body),
    scope: input.scope,
    owner: input.scope === 'personal' ? actor.id : null,
    office,
    updatedBy: actor.id,
  });
  return presentSavedReply(doc.toObject() as SavedReply, actor, locale);
}

export async function updateSavedReply(
  actor: StaffActor,
  id: string,
  input: { title?: string; titles?: Partial<Record<UiLocale, string>>; body?: Partial<Record<UiLocale, string>> },
  locale: UiLocale = 'fr',
): Promise<SavedReplyView> {
  const reply = await findReply(id);
  authorizeSavedReply(actor, 'manage', reply);
  const found = reply as SavedReply;
  const set = {
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.titles !== undefined ? { titles: cleanTitles(input.titles) } : {}),
    ...(input.body !== undefined ? { body: cleanBodies(input.body) } : {}),
    updatedBy: actor.id,
    updatedAt: new Date(),
  };
  await SavedReplyModel.updateOne({ _id: found._id }, { $set: set });
  return presentSavedReply({ ...found, ...set }, actor, locale);
}

export async function deleteSavedReply(actor: StaffActor, id: string): Promise<void> {
  const reply = await findReply(id);
  authorizeSavedReply(actor, 'manage', reply);
  await SavedReplyModel.deleteOne({ _id: (reply as SavedReply)._id });
}

export interface RenderedSavedReply {
  id: string;
  title: string;
  /** The reply's text with its placeholders filled, for the reply box (reply markup, not HTML). */
  text: string;
  /** The language the text is in: the ticket's, or another one when the reply has no text in it. */
  language: UiLocale;
  /** True when the reply has no text in the ticket's language and another one was used. */
  otherLanguage: boolean;
}

/** A saved reply for a ticket the actor may read: the ticket's language, placeholders filled from it. */
export async function renderSavedReply(actor: StaffActor, ticketId: string, replyId: string): Promise<RenderedSavedReply> {
  const ticket = await readableTicket(actor, ticketId);
  const reply = await findReply(replyId);
  authorizeSavedReply(actor, 'read', reply);
  const found = reply as SavedReply;
  const wanted = replyLanguage(ticket.language);
  const language = found.body?.[wanted]?.trim() ? wanted : (uiLocales.find((l) => found.body?.[l]?.trim()) ?? wanted);
  const text = fillPlaceholders(found.body?.[language] ?? '', await placeholderValues(actor, ticket));
  return { id: String(found._id), title: found.title, text, language, otherLanguage: language !== wanted };
}

export type Signatures = Record<UiLocale, string | null>;

/** The actor's signatures, per reply language. */
export async function getSignatures(actor: StaffActor): Promise<Signatures> {
  const person = await StaffModel.findById(actor.id, { signatures: 1 }).lean();
  return { fr: person?.signatures?.fr ?? null, nl: person?.signatures?.nl ?? null, en: person?.signatures?.en ?? null };
}

/** Sets the actor's own signatures (a language left out keeps its signature; empty or null removes it). */
export async function setSignatures(actor: StaffActor, input: Partial<Record<UiLocale, string | null | undefined>>): Promise<Signatures> {
  const set: Record<string, string | null> = {};
  for (const lang of uiLocales) {
    const value = input[lang];
    if (value !== undefined) set[`signatures.${lang}`] = value?.trim() ? value.trim() : null;
  }
  if (Object.keys(set).length === 0) throw new BadRequestError('Give a signature for fr, nl or en.', [{ path: 'fr', message: 'nothing to change' }]);
  await StaffModel.updateOne({ _id: actor.id }, { $set: set });
  return getSignatures(actor);
}
