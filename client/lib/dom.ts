/** Small typed DOM helpers: every lookup says what it expects and returns null otherwise. */

export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T | null {
  const found = document.getElementById(id);
  return found instanceof type ? found : null;
}

export function find<T extends Element>(root: ParentNode, selector: string, type: { new (): T; prototype: T }): T | null {
  const found = root.querySelector(selector);
  return found instanceof type ? found : null;
}

export function findAll<T extends Element>(root: ParentNode, selector: string, type: { new (): T; prototype: T }): T[] {
  return [...root.querySelectorAll(selector)].filter((el): el is T => el instanceof type);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}

export function num(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Parses a `<script type="application/json">` block rendered by the server. */
export function readJson(id: string): unknown {
  const el = document.getElementById(id);
  if (!el?.textContent) return undefined;
  try {
    return JSON.parse(el.textContent) as unknown;
  } catch {
    return undefined;
  }
}

/** Turns server-rendered HTML (escaped by Handlebars) into nodes; `<template>` accepts table rows. */
export function fragment(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

/** Whether a key press happens while typing, where single-letter shortcuts must not fire. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}
