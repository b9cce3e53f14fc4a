/**
 * The helpers that mark a refused form field: `fieldInvalid` (aria-invalid and the id of the message,
 * after the field's own hint) and `fieldError` (the message, escaped); nothing at all when the field
 * was not refused, and never a key inherited from Object.prototype.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { viewsDir } from '../../server/lib/paths.js';
import { createViewEngine } from '../../server/web/views.js';

describe('view helpers: a refused field, marked and explained beside it', () => {
  const name = `test-field-errors-${randomBytes(4).toString('hex')}`;
  const file = path.join(viewsDir, 'pages', `${name}.hbs`);
  before(() =>
    writeFileSync(
      file,
      '<input name="a"{{fieldInvalid invalid "x.code" describedby="hint"}}>{{fieldError invalid "x.code"}}|<input name="b"{{fieldInvalid invalid "toString"}}>{{fieldError invalid "toString"}}',
    ),
  );
  after(() => rmSync(file, { force: true }));
  const views = createViewEngine({ cache: false });

  it('points a refused field to its message, after its hint, and escapes the message', () => {
    const html = views.render(name, { invalid: { 'x.code': 'at most <40> "characters"' } }, false);
    expect(html).to.equal(
      '<input name="a" aria-invalid="true" aria-describedby="hint err-x-code"><span class="field-error" id="err-x-code">at most &lt;40&gt; &quot;characters&quot;</span>|<input name="b">',
    );
  });

  it('leaves a field that was not refused as it was (its hint kept)', () => {
    expect(views.render(name, { invalid: {} }, false)).to.equal('<input name="a" aria-describedby="hint">|<input name="b">');
    expect(views.render(name, {}, false)).to.equal('<input name="a" aria-describedby="hint">|<input name="b">');
  });
});
