#!/usr/bin/env node
/**
 * Sends one email to Relais's SMTP receiver, as a member's mail server would:
 *
 *   node scripts/send-test-mail.mjs --from marie.dupont@example.be --subject "Attestation" --text "Bonjour, …"
 *   node scripts/send-test-mail.mjs --file message.eml            # a whole message as it is
 *   node scripts/send-test-mail.mjs --to "support+R-2026-000123-…@relais.demo" --subject "Re: …" …
 *
 * Options: --host (127.0.0.1) --port (2525) --to (support@relais.demo) --from --name --subject --text
 * --in-reply-to "<message-id>" --auto (adds Auto-Submitted: auto-replied, like an out-of-office) --file.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '2525' },
    to: { type: 'string', default: 'support@relais.demo' },
    from: { type: 'string', default: 'marie.dupont@example.be' },
    name: { type: 'string', default: 'Marie Dupont' },
    subject: { type: 'string', default: 'Question sur ma fiche de paie' },
    text: { type: 'string', default: 'Bonjour,\nLe montant net de ma fiche de paie de mars me semble trop bas. Pouvez-vous vérifier ?\nMerci,\nMarie' },
    'in-reply-to': { type: 'string' },
    auto: { type: 'boolean', default: false },
    file: { type: 'string' },
  },
});

const transport = nodemailer.createTransport({ host: values.host, port: Number(values.port), secure: false, ignoreTLS: true });
const envelope = { from: values.from, to: [values.to] };
const info = values.file
  ? await transport.sendMail({ envelope, raw: readFileSync(values.file) })
  : await transport.sendMail({
      from: { name: values.name, address: values.from },
      to: values.to,
      subject: values.subject,
      text: values.text.replace(/\\n/g, '\n'),
      ...(values['in-reply-to'] ? { inReplyTo: values['in-reply-to'], references: [values['in-reply-to']] } : {}),
      ...(values.auto ? { headers: { 'Auto-Submitted': 'auto-replied' } } : {}),
    });
console.log(`Sent to ${values.to} via ${values.host}:${values.port}: ${info.response}`);
