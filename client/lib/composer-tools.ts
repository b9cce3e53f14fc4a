/**
 * The reply box's tools: a formatting toolbar that writes the reply markup (**bold**, *italic*,
 * "- " lists, [text](https://…); the server turns it into safe HTML), the saved-reply picker (typing
 * "::" or the button; a listbox: arrows, Enter inserts, Escape closes) and the files of a reply
 * (checked here against the limits for a quick answer; the server checks again). A saved reply is
 * fetched for this ticket — in its language, placeholders filled by the server — and inserted as
 * text at the caret: never as HTML.
 */
import { announce } from './announce.js';
import { request } from './api.js';
import { byId, isRecord, str } from './dom.js';
import { t } from './i18n.js';

interface SavedReplyItem {
  id: string;
  title: string;
  scope: string;
  preview: string;
}

export interface ComposerTools {
  /** The files chosen for the next reply. */
  files(): File[];
  /** Forgets the chosen files (after a reply was sent). */
  clearFiles(): void;
  /** Whether the saved-reply list is open (a reply is not sent meanwhile). */
  pickerOpen(): boolean;
  /** Puts the focus back in the list's filter. */
  focusPicker(): void;
}

function wrap(textarea: HTMLTextAreaElement, before: string, after: string, placeholder: string): void {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const chosen = value.slice(start, end) || placeholder;
  textarea.setRangeText(`${before}${chosen}${after}`, start, end, 'end');
  textarea.setSelectionRange(start + before.length, start + before.length + chosen.length);
}

function listLines(textarea: HTMLTextAreaElement): void {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const lineStart = value.lastIndexOf('\n', start - 1) + 1;
  const block = value.slice(lineStart, end);
  const listed = block
    .split('\n')
    .map((l) => (l.startsWith('- ') ? l : `- ${l}`))
    .join('\n');
  textarea.setRangeText(listed, lineStart, end, 'end');
}

function format(textarea: HTMLTextAreaElement, kind: string): void {
  // Nothing selected: the markers go in with the caret between them, as in any editor (no filler text to forget).
  if (kind === 'bold') wrap(textarea, '**', '**', '');
  else if (kind === 'italic') wrap(textarea, '*', '*', '');
  else if (kind === 'list') listLines(textarea);
  else if (kind === 'link') {
    const url = window.prompt(t('savedReplies.client.link_prompt'), 'https://');
    if (url && /^(https?:\/\/|mailto:)\S+$/.test(url.trim())) wrap(textarea, '[', `](${url.trim()})`, url.trim());
  }
  textarea.dispatchEvent(new Event('input'));
  textarea.focus();
}

/** Wires the toolbar, the picker and the file input of the composer of ticket `ticketId`. */
export function wireComposerTools(textarea: HTMLTextAreaElement, ticketId: string, status: (text: string) => void): ComposerTools {
  const toolbar = document.querySelector<HTMLElement>('.composer-tools');
  const tools = toolbar ? [...toolbar.querySelectorAll<HTMLButtonElement>('button')] : [];
  const picker = byId('saved-picker', HTMLElement);
  const filter = byId('saved-filter', HTMLInputElement);
  const list = byId('saved-list', HTMLUListElement);
  const empty = byId('saved-empty', HTMLElement);
  const none = byId('saved-none', HTMLElement);
  const opener = byId('saved-open', HTMLButtonElement);
  const fileInput = byId('composer-files', HTMLInputElement);
  const fileList = byId('composer-file-list', HTMLUListElement);
  let replies: SavedReplyItem[] | null = null;
  let shown: SavedReplyItem[] = [];
  let active = 0;
  /** Where the reply goes: the caret when the picker opened (the "::" typed there is removed). */
  let insertAt = { start: 0, end: 0 };
  let chosen: File[] = [];

  // A toolbar is one tab stop; arrows move between its buttons (WAI-ARIA toolbar pattern).
  toolbar?.addEventListener('keydown', (event) => {
    const index = tools.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0 || !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const next =
      event.key === 'Home' ? 0 : event.key === 'End' ? tools.length - 1 : (index + (event.key === 'ArrowRight' ? 1 : -1) + tools.length) % tools.length;
    tools.forEach((b, i) => (b.tabIndex = i === next ? 0 : -1));
    tools[next]?.focus();
  });
  toolbar?.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-format]') : null;
    if (button?.dataset.format) format(textarea, button.dataset.format);
  });
  textarea.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const kind = event.key === 'b' ? 'bold' : event.key === 'i' ? 'italic' : null;
    if (!kind) return;
    event.preventDefault();
    format(textarea, kind);
  });

  async function load(): Promise<SavedReplyItem[]> {
    if (replies) return replies;
    const body = await request('/api/v1/saved-replies');
    const items = isRecord(body) && Array.isArray(body.savedReplies) ? body.savedReplies.filter(isRecord) : [];
    // The preview in the language the reply will be inserted in: the ticket's (the reply box carries it), not the page's.
    const lang = textarea.lang || document.documentElement.lang;
    replies = items.map((r) => {
      const texts = isRecord(r.body) ? r.body : {};
      const preview = str(texts, lang) || str(texts, 'fr') || str(texts, 'nl') || str(texts, 'en') || '';
      return { id: str(r, 'id') ?? '', title: str(r, 'title') ?? '', scope: str(r, 'scope') ?? '', preview: preview.slice(0, 120) };
    });
    return replies;
  }

  function render(): void {
    if (!list || !filter) return;
    const words = filter.value.trim().toLowerCase();
    shown = (replies ?? []).filter((r) => `${r.title} ${r.preview}`.toLowerCase().includes(words));
    active = Math.min(active, Math.max(0, shown.length - 1));
    list.replaceChildren(
      ...shown.map((r, i) => {
        const li = document.createElement('li');
        li.id = `saved-option-${r.id}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === active));
        li.dataset.id = r.id;
        const title = document.createElement('span');
        title.className = 'saved-title';
        title.textContent = r.title;
        const meta = document.createElement('span');
        meta.className = 'saved-meta muted small';
        meta.textContent = `${t(`savedReplies.client.${r.scope === 'shared' ? 'shared' : 'personal'}`)} · ${r.preview}`;
        li.append(title, meta);
        return li;
      }),
    );
    // Nothing matches the filter, or there is nothing at all yet (then: where to write one).
    const nothingYet = (replies?.length ?? 0) === 0;
    if (empty) empty.hidden = shown.length > 0 || nothingYet;
    if (none) none.hidden = !nothingYet;
    const current = shown[active];
    if (current) {
      filter.setAttribute('aria-activedescendant', `saved-option-${current.id}`);
      byId(`saved-option-${current.id}`, HTMLElement)?.scrollIntoView({ block: 'nearest' });
    } else filter.removeAttribute('aria-activedescendant');
  }

  async function open(fromColons: boolean): Promise<void> {
    if (!picker || !filter) return;
    const caret = textarea.selectionStart;
    insertAt = fromColons ? { start: caret - 2, end: caret } : { start: caret, end: textarea.selectionEnd };
    picker.hidden = false;
    opener?.setAttribute('aria-expanded', 'true');
    filter.value = '';
    active = 0;
    filter.focus();
    try {
      await load();
    } catch {
      replies = [];
    }
    render();
  }

  function close(refocus: boolean): void {
    if (!picker) return;
    picker.hidden = true;
    opener?.setAttribute('aria-expanded', 'false');
    if (refocus) textarea.focus();
  }

  async function insert(item: SavedReplyItem | undefined): Promise<void> {
    if (!item) return;
    close(false);
    let body: unknown;
    try {
      body = await request(`/api/v1/tickets/${ticketId}/saved-replies/${item.id}`);
    } catch {
      status(t('client.error.generic'));
      textarea.focus();
      return;
    }
    const text = str(body, 'text') ?? '';
    const removeColons = textarea.value.slice(insertAt.start, insertAt.end) === '::' ? insertAt : { start: insertAt.start, end: insertAt.start };
    textarea.focus();
    textarea.setRangeText(text, removeColons.start, removeColons.end, 'end');
    textarea.dispatchEvent(new Event('input'));
    const other = isRecord(body) && body.otherLanguage === true;
    const said = other
      ? t('savedReplies.client.other_language', { language: t(`savedReplies.lang.${str(body, 'language') ?? 'fr'}`) })
      : t('savedReplies.client.inserted', { title: item.title });
    status(said);
    announce(said);
  }

  textarea.addEventListener('input', () => {
    const caret = textarea.selectionStart;
    if (caret >= 2 && textarea.value.slice(caret - 2, caret) === '::' && picker?.hidden) void open(true);
  });
  opener?.addEventListener('click', () => void open(false));
  filter?.addEventListener('input', () => {
    active = 0;
    render();
  });
  filter?.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (shown.length === 0) return;
      active = (active + (event.key === 'ArrowDown' ? 1 : -1) + shown.length) % shown.length;
      render();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      void insert(shown[active]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'Tab') close(false);
  });
  list?.addEventListener('click', (event) => {
    const li = event.target instanceof Element ? event.target.closest<HTMLElement>('[role=option]') : null;
    void insert(shown.find((r) => r.id === li?.dataset.id));
  });

  function renderFiles(): void {
    if (!fileList) return;
    fileList.replaceChildren(
      ...chosen.map((file, i) => {
        const li = document.createElement('li');
        li.textContent = `${file.name} `;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'btn btn-small';
        remove.textContent = '×';
        remove.setAttribute('aria-label', t('savedReplies.client.remove_file', { name: file.name }));
        remove.addEventListener('click', () => {
          chosen = chosen.filter((_f, j) => j !== i);
          renderFiles();
          fileInput?.focus();
        });
        li.append(remove);
        return li;
      }),
    );
  }

  fileInput?.addEventListener('change', () => {
    const maxFiles = Number(fileInput.dataset.maxFiles ?? '5');
    const maxBytes = Number(fileInput.dataset.maxBytes ?? '0');
    const problems: string[] = [];
    for (const file of fileInput.files ? [...fileInput.files] : []) {
      if (maxBytes > 0 && file.size > maxBytes)
        problems.push(t('savedReplies.client.file_too_large', { name: file.name, size: fileInput.dataset.maxSize ?? '' }));
      else if (chosen.length >= maxFiles) problems.push(t('savedReplies.client.files_too_many', { count: maxFiles }));
      else chosen.push(file);
    }
    fileInput.value = '';
    renderFiles();
    status(problems.length > 0 ? problems.join(' ') : t('savedReplies.client.files_chosen', { count: chosen.length }));
  });

  return {
    files: () => [...chosen],
    clearFiles: () => {
      chosen = [];
      renderFiles();
    },
    pickerOpen: () => Boolean(picker && !picker.hidden),
    focusPicker: () => filter?.focus(),
  };
}
