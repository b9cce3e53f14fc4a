/** Keeps "12 min"-style ages current without a reload (same wording as the server). */
import { t } from './i18n.js';

export function ageText(from: Date, now = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 1) return t('time.now');
  if (minutes < 60) return t('time.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('time.hours', { count: hours });
  return t('time.days', { count: Math.floor(hours / 24) });
}

export function refreshAges(root: ParentNode = document): void {
  const now = new Date();
  for (const el of root.querySelectorAll('time[data-age]')) {
    const iso = el.getAttribute('datetime');
    if (iso) el.textContent = ageText(new Date(iso), now);
  }
  for (const el of root.querySelectorAll('[data-age-of]')) {
    const iso = el.getAttribute('data-age-of');
    if (iso) el.textContent = ageText(new Date(iso), now);
  }
}

export function keepAgesFresh(): void {
  setInterval(() => refreshAges(), 60_000);
}
