/**
 * The view engine without its cache (development): an edited page shows at the next render, an
 * unchanged one is not compiled again (its file's modification time is the key).
 */
import { randomBytes } from 'node:crypto';
import { rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { viewsDir } from '../../server/lib/paths.js';
import { createViewEngine } from '../../server/web/views.js';

describe('view engine: templates compiled once per version of their file', () => {
  const name = `test-views-cache-${randomBytes(4).toString('hex')}`;
  const file = path.join(viewsDir, 'pages', `${name}.hbs`);
  after(() => rmSync(file, { force: true }));

  it('reuses the compiled page while the file is unchanged, and compiles it again once edited', () => {
    const views = createViewEngine({ cache: false });
    writeFileSync(file, 'first {{value}}');
    // Whole seconds, so setting the time again gives the very same value (file systems keep nanoseconds).
    const atime = new Date(Math.floor(statSync(file).atimeMs / 1000) * 1000);
    const mtime = new Date(Math.floor(statSync(file).mtimeMs / 1000) * 1000);
    utimesSync(file, atime, mtime);
    expect(views.render(name, { value: '<b>' }, false)).to.equal('first &lt;b&gt;');
    // Same modification time, other bytes: the compiled page is reused, so the old text shows.
    writeFileSync(file, 'second {{value}}');
    utimesSync(file, atime, mtime);
    expect(views.render(name, { value: 'x' }, false)).to.equal('first x');
    // Edited (a later modification time): compiled again.
    utimesSync(file, atime, new Date(mtime.getTime() + 2000));
    expect(views.render(name, { value: 'x' }, false)).to.equal('second x');
  });
});
