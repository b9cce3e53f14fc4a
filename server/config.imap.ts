/**
 * IMAP_MAILBOXES, the one variable that is a structure: the JSON array of mailboxes, its schema and
 * the taking apart of each mailbox URL into host, user and password. Separate from the other
 * variables because it alone checks several fields against each other (names, folders, credentials)
 * and must never let the password reach a problem message.
 */
import { z } from 'zod';

/** One entry of IMAP_MAILBOXES: a mailbox inbound mail is read from (see `ImapMailboxConfig`). */
const imapMailboxSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  url: z.string().regex(/^imaps?:\/\/[^\s/]+/i, 'must look like imap://user:password@host:143 or imaps://user:password@host:993'),
  password: z.string().min(1).optional(),
  folder: z.string().min(1).default('INBOX'),
  processedFolder: z.string().min(1).nullable().default(null),
  team: z.string().min(1).optional(),
  category: z.string().min(1).optional(),
  office: z.string().min(1).optional(),
  pollSeconds: z.number().min(1).max(86400).default(60),
});

export const imapMailboxList = z
  .string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array such as [{"name":"support","url":"imaps://user:password@mail.example.org"}]' });
      return z.NEVER;
    }
  })
  .pipe(z.array(imapMailboxSchema));

/** A mailbox of IMAP_MAILBOXES, its URL taken apart. Never log it whole: it holds the password. */
export interface ImapMailboxConfig {
  /** Unique; the inbound pipeline gets it with every message. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** imaps: TLS from the start; imap: STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
  /** The folder watched (default INBOX). */
  readonly folder: string;
  /** Processed messages are moved there when set; otherwise they get the `$RelaisProcessed` keyword and \Seen. */
  readonly processedFolder: string | null;
  /** Where mail of this mailbox goes (codes; the inbound pipeline decides what they mean). */
  readonly team: string | undefined;
  readonly category: string | undefined;
  readonly office: string | undefined;
  /** Rescan interval when IDLE is missing or broken (and a safety net when it is not). Default 60. */
  readonly pollSeconds: number;
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Takes each mailbox URL apart; problems (never the URL itself: it may hold a password) go to `problems`. */
export function imapMailboxConfigs(list: readonly z.infer<typeof imapMailboxSchema>[], problems: string[]): ImapMailboxConfig[] {
  const names = new Set<string>();
  return list.map((m, i) => {
    const where = `IMAP_MAILBOXES.${i}`;
    if (names.has(m.name)) problems.push(`${where}.name: "${m.name}" names two mailboxes`);
    names.add(m.name);
    let url: URL | undefined;
    try {
      url = new URL(m.url);
    } catch {
      problems.push(`${where}.url: not a valid URL`);
    }
    const secure = url?.protocol === 'imaps:';
    const host = url?.hostname.replace(/^\[(.*)\]$/, '$1') ?? '';
    const user = decoded(url?.username ?? '') ?? '';
    const password = m.password ?? decoded(url?.password ?? '') ?? '';
    if (url && !host) problems.push(`${where}.url: needs a host`);
    if (url && !user) problems.push(`${where}.url: needs a user name (imap://user:password@host)`);
    if (url && !password) problems.push(`${where}: needs a password, in the URL (percent-encoded) or as "password"`);
    if (m.processedFolder === m.folder) problems.push(`${where}.processedFolder: must differ from folder`);
    return Object.freeze({
      name: m.name,
      host,
      port: url?.port ? Number(url.port) : secure ? 993 : 143,
      secure,
      user,
      password,
      folder: m.folder,
      processedFolder: m.processedFolder,
      team: m.team,
      category: m.category,
      office: m.office,
      pollSeconds: m.pollSeconds,
    });
  });
}
