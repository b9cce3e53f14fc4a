/**
 * Which offices run the single polyvalent queue (`Office.routingModel`), readable synchronously by the
 * ticket policy. In a polyvalent office — a pilot of the new organisation — advisors and the support
 * team share tier 1: support staff work that office's tier-1 queue, and an escalation from it goes
 * straight to the administrative team (tier 3). Other offices keep tier 1 → 2 → 3.
 *
 * The set is loaded at start and whenever an office's model changes (`refreshOfficeModels`), and
 * re-read every few seconds by `startOfficeModelRefresh` so other instances' changes arrive too.
 */
import { Types } from 'mongoose';
import { OfficeModel } from '../offices/office.model.js';
import type { OfficeRoutingModel } from '../lib/ticket.vocabulary.js';

let polyvalent = new Set<string>();

export function isPolyvalentOffice(office: Types.ObjectId | string | null | undefined): boolean {
  return office !== null && office !== undefined && polyvalent.has(String(office));
}

export function polyvalentOfficeIds(): Types.ObjectId[] {
  return [...polyvalent].map((id) => new Types.ObjectId(id));
}

export async function refreshOfficeModels(): Promise<void> {
  const offices = await OfficeModel.find({ routingModel: 'polyvalent', active: true }, { _id: 1 }).lean();
  polyvalent = new Set(offices.map((o) => String(o._id)));
}

/** Sets the polyvalent offices without a database (unit tests of the rules that ask about them). */
export function usePolyvalentOffices(ids: ReadonlyArray<Types.ObjectId | string>): void {
  polyvalent = new Set(ids.map(String));
}

/** Forgets every office's model (tests start each database clean). */
export function resetOfficeModels(): void {
  polyvalent = new Set();
}

export function startOfficeModelRefresh(intervalMs = 10_000, onError: (error: unknown) => void = () => undefined): () => void {
  const timer = setInterval(() => void refreshOfficeModels().catch(onError), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The routing model an office runs now (ticket.lifecycle.ts decides where moves go in each). */
export function officeModelOf(office: Types.ObjectId | string | null | undefined): OfficeRoutingModel {
  return isPolyvalentOffice(office) ? 'polyvalent' : 'tiered';
}
