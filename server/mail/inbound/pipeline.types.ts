/**
 * The inbound pipeline's shapes (pipeline.ts): a received message, the settings and options it is
 * built with, and what it offers the receivers, the IMAP watcher and the administration.
 */
import type { Config } from '../../config.js';
import type { Logger } from '../../lib/logger.js';
import type { DnsResolver, SmtpClient } from './authentication.js';
import type { InboundOutcome, InboundPending } from './inbound.model.js';
import type { ParseLimits } from './parse.js';

export interface ReceivedMessage {
  raw: Buffer;
  source: 'smtp' | 'imap';
  /** The IMAP mailbox's name, or the SMTP recipient it was addressed to. */
  mailbox?: string | null;
  envelopeFrom?: string | null;
  envelopeTo?: readonly string[];
  /** The SMTP client (IP, HELO), kept for SPF: evaluated when the message is processed, not before the 250. */
  client?: SmtpClient | null;
  /** The IMAP intake cut a message over its limit. */
  truncated?: boolean;
  /** Where tickets from this mailbox go (IMAP mailbox settings). */
  routing?: { category?: string; office?: string };
}

export type InboundSettings = Pick<
  Config,
  'inboundAddress' | 'mailFrom' | 'attachments' | 'dataDir' | 'defaultLocale' | 'memberLinkTtl' | 'publicUrl' | 'jwt'
> & {
  inbound: Pick<Config['inbound'], 'extraAddresses' | 'trustedAuthservIds'>;
};

export interface InboundPipelineOptions {
  config: InboundSettings;
  logger: Logger;
  /** Reply token → ticket number (default: the signed tokens of member-links.ts; tests inject others). */
  resolveToken?: (token: string) => string | null;
  parseLimits?: ParseLimits;
  /** Longest time one message may take to process before it is recorded as failed and retried. */
  timeoutMs?: number;
  /**
   * DNS lookups for SPF, DKIM and DMARC of mail received over SMTP (index.ts: node:dns; tests: a
   * fake). Without one nothing is evaluated here: only trusted Authentication-Results count.
   */
  resolver?: DnsResolver;
  /** The name this receiver gives itself in its results (default `relais`). */
  authservId?: string;
}

export interface InboundPipeline {
  /**
   * Stores the raw message durably, nothing more; `known`: the same bytes wait already (this delivery
   * is stored under its own id all the same, and will be recorded as the same as the first).
   */
  store(message: ReceivedMessage): Promise<{ id: string; known: boolean }>;
  /**
   * What an SMTP 250 waits for: the message appended to this pipeline's spool file and synced
   * (spool.ts), nothing in the database yet. `admit` puts it there next.
   */
  accept(message: ReceivedMessage): Promise<InboundPending>;
  /** Puts an accepted message in `inbound_pending` (idempotent: again after a crash is harmless) and releases it from the spool; returns its id. */
  admit(pending: InboundPending): Promise<string>;
  /** An accepted message the database keeps refusing: moved to a spool file of its own, taken over every minute, so its lane goes on. */
  setAside(pending: InboundPending): Promise<void>;
  /** Closes the spool file (a file that still holds messages stays for the next start). */
  close(): Promise<void>;
  /** Processes a stored message that has no outcome yet; returns its outcome (or the one it has). */
  process(id: string): Promise<InboundOutcome | null>;
  /** Store then process. */
  ingest(message: ReceivedMessage): Promise<InboundOutcome | null>;
  /** A person asks to run the rules again (after a fix, a new ticket, a changed setting); `note`: why (kept in its history). */
  reprocess(id: string, by: string, note?: string): Promise<InboundOutcome | null>;
  /** A person decides: make a ticket of it, whatever the rules said (a forged-looking follow-up, bulk). */
  force(id: string, by: string): Promise<InboundOutcome | null>;
  /** A person vouches that a follow-up refused as someone else's is the member's: added to the ticket it cites, in the member's name. */
  attach(id: string, by: string): Promise<InboundOutcome | null>;
  /** A person decides: it is nothing for us (recorded, bytes kept). */
  discard(id: string, by: string, note: string): Promise<InboundOutcome | null>;
  /** Processes the messages a stop left: in the spool files of stopped receivers, then in `inbound_pending`. */
  recover(): Promise<number>;
  /** While running: takes over the spool files of receivers gone since (spool.ts) and processes their messages. */
  takeOverSpools(): Promise<number>;
  /** The raw bytes of a stored message. */
  raw(id: string): Promise<Buffer>;
}
