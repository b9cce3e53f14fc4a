import { expect } from 'chai';
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goSourceStamp } from '../../server/db/go-build.js';
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
      expect(goSourceStamp(dir)).to.not.equal(second);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
