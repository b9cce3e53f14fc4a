/** The attachment limits (from `config.attachments`) and how they are written in messages. */

export interface AttachmentLimits {
  /** How many files one message may carry. */
  maxFiles: number;
  /** The largest size of one file, in bytes. */
  maxBytes: number;
}

import { intlTags, type Locale } from '../lib/i18n.js';

const MB = 1024 * 1024;

const sizeFormats = new Map<string, Intl.NumberFormat>();

function sizeFormat(locale: Locale, unit: 'byte' | 'kilobyte' | 'megabyte'): Intl.NumberFormat {
  const key = `${locale}:${unit}`;
  let format = sizeFormats.get(key);
  // Bytes spelled out ("30 octets"), larger units short ("1,5 Mo", "12,5 kB").
  if (!format)
    sizeFormats.set(
      key,
      (format = new Intl.NumberFormat(intlTags[locale], { style: 'unit', unit, unitDisplay: unit === 'byte' ? 'long' : 'short', maximumFractionDigits: 1 })),
    );
  return format;
}

/**
 * A size as people read it (binary units, as `ATTACHMENT_MAX_BYTES`): in a page's language, "1,5 Mo",
 * "200 ko", "30 octets" in French; without one (logs, API messages), "1.5 MB", "200 KB", "512 bytes".
 */
export function formatSize(bytes: number, locale?: Locale): string {
  if (locale) {
    // The number and its unit stay together on a line ("10 / MB" on a phone): a no-break space between.
    const unit = bytes >= MB ? 'megabyte' : bytes >= 1024 ? 'kilobyte' : 'byte';
    // CLDR's Dutch says "193 byte"; Dutch readers write "193 bytes".
    if (unit === 'byte' && locale === 'nl') return `${bytes}\u00a0${bytes === 1 ? 'byte' : 'bytes'}`;
    return sizeFormat(locale, unit)
      .format(bytes / (unit === 'megabyte' ? MB : unit === 'kilobyte' ? 1024 : 1))
      .replace(/ /g, '\u00a0');
  }
  if (bytes >= MB) return `${round(bytes / MB)} MB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}
