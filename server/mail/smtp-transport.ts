/** The SMTP transport the outbox sends with (nodemailer). */
import nodemailer, { type Transporter } from 'nodemailer';

/**
 * An SMTP transport on `smtpUrl`. With `pool`, the connection is kept for the next message (up to 100
 * on one, then a new one; closed by `close()`): a message costs its own exchange, not a connection and
 * greeting each — 113–117 ms a message to the local catcher without, 12–13 ms with (measured one after
 * another, 40 messages), and more against a relay over TLS. The running server's worker uses it.
 * Timeouts are well under the outbox lease's.
 */
export function createMailTransport(smtpUrl: string, options: { pool?: boolean } = {}): Transporter {
  const url = new URL(smtpUrl);
  return nodemailer.createTransport({
    ...(options.pool ? { pool: true as const } : {}),
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
}
