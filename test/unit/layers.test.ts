/**
 * The layer rule of eslint.config.js (docs/ARCHITECTURE.md, "Layers") fires on an upward import and
 * lets a downward one through: linted as if the text were a file in that folder.
 */
import { expect } from 'chai';
import { ESLint } from 'eslint';
import { projectRoot } from '../../server/lib/paths.js';

const eslint = new ESLint({ cwd: projectRoot });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layers: the lint rule between server folders', function () {
  this.timeout(60_000);

  const upward: Array<[string, string]> = [
    ['server/tickets/probe.ts', "import { registerTicketMail } from '../mail/ticket-mail.js';\nvoid registerTicketMail;\n"],
    ['server/tickets/probe.ts', "import type { DueAlert } from '../sla/engine.js';\nexport type X = DueAlert;\n"],
    ['server/routing/probe.ts', "import { commit } from '../tickets/ticket.journal.js';\nvoid commit;\n"],
    ['server/reports/probe.ts', "import { staffPages } from '../web/pages/index.js';\nvoid staffPages;\n"],
    ['server/mail/inbound/probe.ts', "import { fireDueAlert } from '../../sla/actions.js';\nvoid fireDueAlert;\n"],
    ['server/sla/probe.ts', "import { createApp } from '../app.js';\nvoid createApp;\n"],
    ['server/web/pages/probe.ts', "import { TicketModel } from '../../tickets/ticket.model.js';\nvoid TicketModel;\n"],
    ['server/web/pages/probe.ts', "import type { Ticket } from '../../tickets/ticket.model.js';\nexport type X = Ticket;\n"],
  ];
  for (const [file, code] of upward) {
    it(`refuses ${code.split('\n')[0]} in ${file}`, async () => {
      expect(await restricted(file, code)).to.have.length.greaterThan(0);
    });
  }

  it('accepts downward imports and the vocabularies from anywhere', async () => {
    expect(await restricted('server/mail/probe.ts', "import { commit } from '../tickets/ticket.journal.js';\nvoid commit;\n")).to.deep.equal([]);
    expect(await restricted('server/offices/probe.ts', "import { tiers } from '../lib/ticket.vocabulary.js';\nvoid tiers;\n")).to.deep.equal([]);
    expect(
      await restricted('server/lib/probe.ts', "import { queueColumns } from '../staff/staff-preferences.vocabulary.js';\nvoid queueColumns;\n"),
    ).to.deep.equal([]);
    expect(await restricted('server/tickets/probe.ts', "import { deadlineKinds } from '../lib/sla.vocabulary.js';\nvoid deadlineKinds;\n")).to.deep.equal([]);
  });
});
