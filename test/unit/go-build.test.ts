import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyModulePatch, goSourceStamp, GoBuildError } from '../../server/db/go-build.js';
import { toolsSourceDir } from '../../server/lib/paths.js';

describe('Go programs are rebuilt when any of their sources changes', () => {
  it('changes the stamp for any .go file (not only main.go), go.mod or go.sum, and not for other files', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'relais-stamp-'));
    try {
      cpSync(path.join(toolsSourceDir, 'ferretdb'), dir, { recursive: true });
      const first = goSourceStamp(dir);
      writeFileSync(path.join(dir, 'NOTES.txt'), 'not a source');
      expect(goSourceStamp(dir)).to.equal(first);
      appendFileSync(path.join(dir, 'idindex.go'), '\n// changed\n');
      const second = goSourceStamp(dir);
      expect(second).to.not.equal(first);
      writeFileSync(path.join(dir, 'extra.go'), 'package main\n');
      const third = goSourceStamp(dir);
      expect(third).to.not.equal(second);
      appendFileSync(path.join(dir, 'patches', 'serialize-writes.patch'), '\n');
      expect(goSourceStamp(dir)).to.not.equal(third);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Patches to a Go module', () => {
  const original = 'package fsql\n\nfunc A() {\n\tone()\n}\n';
  const patch = [
    'Why this patch exists.',
    '',
    '--- a/internal/fsql/db.go',
    '+++ b/internal/fsql/db.go',
    '@@ -2,4 +2,5 @@',
    ' ',
    ' func A() {',
    '+\tlock()',
    ' \tone()',
    ' }',
    '',
  ].join('\n');

  function moduleWith(text: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'relais-patch-'));
    mkdirSync(path.join(dir, 'internal', 'fsql'), { recursive: true });
    writeFileSync(path.join(dir, 'internal', 'fsql', 'db.go'), text);
    return dir;
  }

  it('applies a unified diff to the file it names under the module', () => {
    const dir = moduleWith(original);
    try {
      applyModulePatch(dir, 'p.patch', patch);
      expect(readFileSync(path.join(dir, 'internal', 'fsql', 'db.go'), 'utf8')).to.equal('package fsql\n\nfunc A() {\n\tlock()\n\tone()\n}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a patch that no longer fits the file, or names a file outside the module', () => {
    const dir = moduleWith(original.replace('one()', 'two()'));
    try {
      expect(() => applyModulePatch(dir, 'p.patch', patch)).to.throw(GoBuildError, /no longer applies to internal\/fsql\/db.go/);
      expect(() => applyModulePatch(dir, 'p.patch', patch.replaceAll('a/internal/fsql/db.go', 'a/../outside.go'))).to.throw(GoBuildError, /does not have/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every embedded database patch fits FerretDB 1.24.2 as the module proxy serves it', async () => {
    // The test harness built the embedded database first, so the module is in Go's module cache.
    const { execFileSync } = await import('node:child_process');
    const source = path.join(toolsSourceDir, 'ferretdb');
    const moduleDir = (
      JSON.parse(execFileSync('go', ['mod', 'download', '-json', 'github.com/FerretDB/FerretDB'], { cwd: source, encoding: 'utf8' })) as { Dir: string }
    ).Dir;
    // What each patch must leave in the file it changes.
    const expected: Record<string, { file: string; check: (text: string) => void }> = {
      'serialize-writes.patch': {
        file: 'internal/util/fsql/db.go',
        check: (text) => expect(text.match(/db\.writeMu\.Lock\(\)/g)).to.have.length(2),
      },
      'untracked-resources.patch': {
        file: 'internal/util/resource/resource.go',
        check: (text) => expect(text.match(/if !debugbuild\.Enabled \{/g)).to.have.length(2),
      },
    };
    expect(readdirSync(path.join(source, 'patches')).sort()).to.deep.equal(Object.keys(expected).sort());
    for (const [name, { file, check }] of Object.entries(expected)) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'relais-ferret-patch-'));
      try {
        mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        writeFileSync(path.join(dir, file), readFileSync(path.join(moduleDir, file)));
        applyModulePatch(dir, name, readFileSync(path.join(source, 'patches', name), 'utf8'));
        check(readFileSync(path.join(dir, file), 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
