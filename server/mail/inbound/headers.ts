/**
 * Small readers over a parsed message's headers, shared by the inbound classifiers.
 * Raw header lines are used where mailparser's parsed value loses something (`Return-Path: <>`,
 * comments after `In-Reply-To`, headers it does not know such as `X-Original-To`).
 */
import { parseAddressHeader, type AddressObject, type Attachment, type EmailAddress, type HeaderValue, type ParsedMail } from 'mailparser';

/** The unfolded values of every `name` header, in order (raw, encoded words not decoded). */
export function rawHeaders(mail: ParsedMail, name: string): string[] {
  const key = name.toLowerCase();
  const values: string[] = [];
  for (const line of mail.headerLines ?? []) {
    if (line.key !== key) continue;
    const colon = line.line.indexOf(':');
    values.push(
      line.line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]*/g, ' ')
        .trim(),
    );
  }
  return values;
}

function isAddressObject(value: unknown): value is AddressObject {
  return typeof value === 'object' && value !== null && Array.isArray((value as AddressObject).value);
}

/** Every mailbox of an address header value (groups flattened), as mailparser gives them. */
export function mailboxes(value: HeaderValue | AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const found: EmailAddress[] = [];
  const add = (entry: EmailAddress): void => {
    if (entry.group) entry.group.forEach(add);
    else found.push(entry);
  };
  for (const object of objects) {
    if (typeof object === 'string') parseAddressHeader(object).value.forEach(add);
    else if (isAddressObject(object)) object.value.forEach(add);
  }
  return found;
}

/** Addresses of the named address headers, lower-cased, without duplicates. */
export function headerAddresses(mail: ParsedMail, names: readonly string[]): string[] {
  const found = new Set<string>();
  for (const name of names) {
    for (const box of mailboxes(mail.headers?.get(name))) {
      const address = box.address?.trim();
      if (address) found.add(address.toLowerCase());
    }
  }
  return [...found];
}

/** `local@domain` split in two, lower-cased; null when it is not an address. */
export function splitAddress(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() };
}

/** The address inside `Name <local@domain>`, or the string itself, lower-cased. */
export function bareAddress(value: string): string {
  const match = /<([^<>]*)>\s*$/.exec(value);
  return (match ? (match[1] ?? '') : value).trim().toLowerCase();
}

/** The `content-type` of the message, lower-cased, with its parameters. */
export function contentType(mail: ParsedMail): { value: string; params: Record<string, string> } {
  const header = mail.headers?.get('content-type');
  if (header && typeof header === 'object' && !Array.isArray(header) && 'value' in header && 'params' in header) {
    const structured = header as { value: string; params: Record<string, string> };
    return { value: String(structured.value).toLowerCase(), params: structured.params };
  }
  return { value: 'text/plain', params: {} };
}

/** An attachment's media type, lower-cased; mailparser gives `false` for an empty Content-Type. */
export function attachmentType(attachment: Attachment): string {
  const type: unknown = attachment.contentType;
  return typeof type === 'string' && type.trim() !== '' ? type.trim().toLowerCase() : 'application/octet-stream';
}
