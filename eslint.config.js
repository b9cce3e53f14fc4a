// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of server/, lowest first (docs/ARCHITECTURE.md, "Layers"). A file may import its own
 * folder, its own layer and the layers below, never a layer above, so the folders' import graph has
 * no circle, type-only imports included (the SLA state a ticket stores, tickets/ticket-sla.ts, lives
 * with tickets). Leaves any layer may import: the vocabularies (`*.vocabulary.ts`, words and lists that import
 * nothing) and config.ts with its config.*.ts parts (the frozen Config). server/app.ts, index.ts and models.ts compose the
 * application: they import anything, and nothing imports them.
 */
const layers = [
  ['lib'],
  ['db'],
  ['offices', 'teams', 'staff', 'members', 'catalog', 'auth', 'audit'], // entities: they may import each other (audit: the administration's trail)
  ['attachments'],
  ['routing'],
  ['tickets'],
  ['replies'],
  ['mail'],
  ['sla'],
  ['assignment'],
  ['realtime'],
  ['reports'],
  ['privacy'], // members' data: export, erasure, retention (reads and redacts every domain below)
  ['housekeeping'], // deletes what expired in any domain below (sessions, mail, files, inbound bytes)
  ['search'],
  ['web'],
  ['demo'],
  ['ops'], // backup and restore: commands run beside the server, over the data folder
];

const order = layers.map((layer) => layer.join(', ')).join(' < ');

/** The `no-restricted-imports` patterns for a file of layer `level`. */
function layerPatterns(level) {
  const above = layers.slice(level + 1).flat();
  const patterns = [
    {
      // By name, so `../index.js` to a parent folder's index.ts is refused too (from web/pages/reports/
      // to web/pages/index.ts, the router that mounts it: a circle anyway; none today).
      regex: '^(\\.\\./)+(app|index|models)\\.js$',
      message: 'server/app.ts, index.ts and models.ts compose the application: no folder imports them.',
    },
  ];
  if (above.length > 0) {
    patterns.push({
      group: [...above.map((folder) => `**/${folder}/**`), '!**/*.vocabulary.js'],
      message: `Layers of server/, low to high: ${order}. A folder imports only its own layer and those below (vocabularies and config.ts from anywhere): move the code, or pass it in from above (an argument, a domain event).`,
    });
  }
  return patterns;
}

/** Pages and public routes read through their domain's query modules, never a Mongoose model (their types included: the modules re-export the records they return). */
const webReadsNoModel = {
  group: ['**/*.model.js', '**/*.models.js', '**/sla/policy.js'],
  message: 'server/web/ reads through the domain query modules (e.g. tickets/ticket.queries.ts), not Mongoose models.',
};

function layerRules() {
  const rule = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
  const blocks = layers.flatMap((layer, level) =>
    layer.map((folder) => ({
      files: [`server/${folder}/**/*.ts`],
      rules: rule([...layerPatterns(level), ...(folder === 'web' ? [webReadsNoModel] : [])]),
    })),
  );
  blocks.push({ files: ['server/config*.ts'], rules: rule(layerPatterns(0)) });
  blocks.push({
    files: ['server/**/*.vocabulary.ts'],
    rules: rule([{ regex: '.', message: 'A vocabulary is a leaf: it imports nothing, so that every layer may import it.' }]),
  });
  return blocks;
}

export default tseslint.config(
  { ignores: ['dist/**', 'public/js/**', 'node_modules/**', 'coverage/**', '.relais/**', 'tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/config.ts only.' }],
      eqeqeq: ['error', 'always'],
    },
  },
  ...layerRules(),
  {
    files: ['server/config.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
