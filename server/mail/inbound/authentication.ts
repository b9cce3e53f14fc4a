/**
 * Who really sent a message: SPF, DKIM and DMARC.
 *
 * - Mail received over SMTP is evaluated here (mailauth) from what the receiver recorded at
 *   acceptance — the client's IP, its HELO name, the envelope sender — with a DNS resolver the
 *   pipeline is given (index.ts: node:dns; tests: a fake serving TXT records). The lookups happen
 *   while the message is processed, never before the SMTP 250.
 * - For every message (IMAP, and mail our own MX forwarded), the `Authentication-Results` headers
 *   of the configured authserv-ids count too (`authenticationVerdict`); any other is the sender's word.
 * - `aligned`: the From domain is proven — DMARC passed, or a DKIM signature of the From domain (or
 *   of its parent, relaxed alignment) verified. Only then may mail act as a person of Relais
 *   (a staff note; a follow-up without a reply token).
 */
import { promises as dns } from 'node:dns';
import type { ParsedMail } from 'mailparser';
import { authenticate } from 'mailauth';
import { authenticationVerdict } from './classify.js';
import { splitAddress } from './headers.js';

/** A DNS lookup as mailauth asks it (`dns.promises.resolve`'s shape): TXT answers are arrays of strings. */
export type DnsResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

/** The system's DNS (node:dns), with a bounded wait per query: what index.ts gives the pipeline. */
export function systemResolver(): DnsResolver {
  const resolver = new dns.Resolver({ timeout: 5_000, tries: 2 });
  return (name, rrtype) => resolver.resolve(name, rrtype) as Promise<string[][] | string[]>;
}

/** What the SMTP receiver saw of the client at acceptance. */
export interface SmtpClient {
  ip: string | null;
  helo: string | null;
}

/** The verdict stored on the inbound record and shown to administrators. */
export interface MailAuthentication {
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
  /** The policy the From domain publishes (`none`, `quarantine`, `reject`), when known. */
  dmarcPolicy: string | null;
  /** The From header's domain. */
  fromDomain: string | null;
  /** The From domain is proven (DMARC pass, or an aligned DKIM pass). */
  aligned: boolean;
  /** Who gave the results: `relais` (evaluated here) and/or the trusted authserv-id; empty: nobody. */
  by: string[];
  /** The results in Authentication-Results words, for a person to read. */
  summary: string;
}

const rank: Record<string, number> = { pass: 4, fail: 3, softfail: 2, neutral: 1 };

/** The better-informed of two results: a pass from anyone, else a fail, else whatever is known. */
function best(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return (rank[b] ?? 0) > (rank[a] ?? 0) ? b : a;
}

/** `example.be` is aligned with `mail.example.be` and `example.be` (relaxed alignment, RFC 7489 §3.1). */
function alignedDomain(signing: string, from: string): boolean {
  const d = signing.toLowerCase();
  const f = from.toLowerCase();
  if (!d.includes('.')) return false;
  return d === f || f.endsWith(`.${d}`) || d.endsWith(`.${f}`);
}

interface Evaluated {
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
  dmarcPolicy: string | null;
  aligned: boolean;
  info: string[];
}

/** Evaluates SPF, DKIM and DMARC here, as the receiving server (SMTP only: it needs the client's IP). */
async function evaluate(raw: Buffer, props: { client: SmtpClient; sender: string | null; resolver: DnsResolver; mta: string }): Promise<Evaluated> {
  const result = await authenticate(raw, {
    ip: props.client.ip ?? undefined,
    helo: props.client.helo ?? undefined,
    sender: props.sender ?? undefined,
    mta: props.mta,
    resolver: props.resolver,
    disableArc: true,
    disableBimi: true,
  });
  const dkimResults = result.dkim?.results ?? [];
  const dkim = dkimResults.map((r) => r.status.result).reduce<string | null>((a, b) => best(a, b), null);
  const alignedDkim = dkimResults.some((r) => r.status.result === 'pass' && Boolean(r.status.aligned));
  const spfStatus = result.spf ? (result.spf.status?.result ?? null) : null;
  const dmarc = result.dmarc ? (result.dmarc.status?.result ?? null) : null;
  const dmarcPolicy = result.dmarc && typeof result.dmarc.policy === 'string' ? result.dmarc.policy.toLowerCase() : null;
  const info = [...dkimResults.map((r) => r.info), result.spf ? result.spf.info : undefined, result.dmarc ? result.dmarc.info : undefined].filter(
    (i): i is string => typeof i === 'string' && i !== '',
  );
  return { spf: spfStatus, dkim, dmarc, dmarcPolicy, aligned: dmarc === 'pass' || alignedDkim, info };
}

export interface AuthenticateProps {
  raw: Buffer;
  mail: ParsedMail;
  /** The From address (lower-cased), or null. */
  from: string | null;
  trustedAuthservIds: readonly string[];
  /** Set for SMTP mail: evaluated here. Null (IMAP) or without a resolver: only trusted headers count. */
  smtp: { client: SmtpClient; sender: string | null; resolver: DnsResolver; mta: string } | null;
}

/**
 * The verdict on a message: evaluated here for SMTP mail (with the resolver), combined with what
 * trusted authserv-ids recorded. A DNS failure during evaluation is a `temperror`, not a pass.
 */
export async function authenticateMail(props: AuthenticateProps): Promise<MailAuthentication> {
  const fromDomain = props.from ? (splitAddress(props.from)?.domain ?? null) : null;
  const trusted = authenticationVerdict(props.mail, props.trustedAuthservIds);
  const trustedAligned = trusted.dmarc === 'pass' || (fromDomain !== null && trusted.dkimPassDomains.some((d) => alignedDomain(d, fromDomain)));
  let here: Evaluated | null = null;
  if (props.smtp) {
    try {
      here = await evaluate(props.raw, props.smtp);
    } catch (error) {
      here = {
        spf: null,
        dkim: null,
        dmarc: 'temperror',
        dmarcPolicy: null,
        aligned: false,
        info: [`evaluation failed: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`],
      };
    }
  }
  const by = [...(here ? ['relais'] : []), ...(trusted.authservId ? [trusted.authservId] : [])];
  const trustedInfo = trusted.authservId
    ? [
        `${trusted.authservId}: spf=${trusted.spf ?? '-'} dkim=${trusted.dkim ?? '-'}${trusted.dkimPassDomains.length ? ` (${trusted.dkimPassDomains.join(', ')})` : ''} dmarc=${trusted.dmarc ?? '-'}${trusted.dmarcPolicy ? ` (p=${trusted.dmarcPolicy})` : ''}`,
      ]
    : [];
  return {
    spf: best(here?.spf ?? null, trusted.spf),
    dkim: best(here?.dkim ?? null, trusted.dkim),
    dmarc: best(here?.dmarc ?? null, trusted.dmarc),
    dmarcPolicy: here?.dmarcPolicy ?? trusted.dmarcPolicy,
    fromDomain,
    aligned: (here?.aligned ?? false) || trustedAligned,
    by,
    summary: [...(here?.info ?? []), ...trustedInfo].join('; ').slice(0, 2000) || 'no authentication results',
  };
}

/**
 * Whether DMARC says the From address is forged and its domain asks receivers not to accept such
 * mail (`p=quarantine` or `p=reject`; a trusted header that names no policy counts too, as before).
 * A fail under `p=none` is only recorded: the domain owner asked for reports, not for refusal.
 */
export function dmarcRejects(verdict: MailAuthentication): boolean {
  return !verdict.aligned && verdict.dmarc === 'fail' && verdict.dmarcPolicy !== 'none';
}

/** A short line naming the verdict, for notes and reasons: `dkim=pass dmarc=pass (example.be)`. */
export function verdictLine(verdict: MailAuthentication): string {
  return `spf=${verdict.spf ?? 'none'} dkim=${verdict.dkim ?? 'none'} dmarc=${verdict.dmarc ?? 'none'}${verdict.fromDomain ? ` (${verdict.fromDomain})` : ''}`;
}
