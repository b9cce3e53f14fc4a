import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder, found from this file whether it runs from `server/` (tsx) or `dist/server/` (built). */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Relais project root (no package.json above the server).');
    dir = parent;
  }
  return dir;
}

export const projectRoot = findRoot();
export const viewsDir = path.join(projectRoot, 'views');
export const publicDir = path.join(projectRoot, 'public');
export const toolsSourceDir = path.join(projectRoot, 'tools');
