/**
 * What a page says when the API refuses a request: in the page's language, naming the fields by
 * their translated names, never the server's English sentence (issue 12, point 7).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';

const fr = JSON.parse(readFileSync('locales/fr.json', 'utf8')) as { client: Record<string, Record<string, string>> };
const strings: Record<string, string> = {};
for (const [group, entries] of Object.entries(fr.client))
  for (const [key, text] of Object.entries(entries)) if (typeof text === 'string') strings[`client.${group}.${key}`] = text;

describe('client: error sentences', () => {
  before(() => {
    // The page's strings, as the server renders them into <script id="i18n">.
    const page = { getElementById: (id: string) => (id === 'i18n' ? { textContent: JSON.stringify(strings) } : null), documentElement: { lang: 'fr' } };
    (globalThis as { document?: unknown }).document = page;
  });
  after(() => {
    delete (globalThis as { document?: unknown }).document;
  });

  it('names the refused fields in French and leaves out the English detail', async () => {
    const { ApiError, describeError } = await import('../../client/lib/api.js');
    const error = new ApiError(400, 'validation_failed', 'Request body is invalid', [
      { path: 'handoff', message: 'handoff (what was tried, what is needed) must not be empty' },
      { path: 'reason', message: 'must be a code such as needs_contract_change' },
    ]);
    const text = describeError(error);
    expect(text).to.equal(`${strings['client.error.validation']} Détail : Note de passation, Motif`);
    expect(text).not.to.match(/must|empty|invalid/);
  });

  it('says what is wrong with a field when the server says it: a reply too long gives its limit, not "check the required fields" (QA)', async () => {
    const { ApiError, describeError } = await import('../../client/lib/api.js');
    const error = new ApiError(400, 'validation_failed', 'Request body is invalid', [
      { path: 'text', message: 'text is too long (at most 50000 characters)', reason: { code: 'too_long', limit: 50_000 } },
    ]);
    const text = describeError(error);
    expect(text).to.equal('Vérifiez ce qui a été saisi. Détail : Texte (50\u202f000 caractères au plus)');
    expect(text).not.to.include('obligatoires');
    // A field left empty says so; one the server gives no reason for is named.
    const two = new ApiError(400, 'validation_failed', 'x', [
      { path: 'handoff', message: 'empty', reason: { code: 'required' } },
      { path: 'reason', message: 'must be a code' },
    ]);
    expect(describeError(two)).to.equal('Vérifiez ce qui a été saisi. Détail : Note de passation (remplissez ce champ), Motif');
  });

  it('says only the generic sentence when no field has a name on the page', async () => {
    const { ApiError, describeError } = await import('../../client/lib/api.js');
    expect(describeError(new ApiError(400, 'bad_request', 'Unexpected field "x"', [{ path: 'x', message: 'unrecognized key' }]))).to.equal(
      strings['client.error.validation'],
    );
  });
});
