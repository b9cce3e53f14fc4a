/**
 * `npm run backup -- <folder or .tar.gz>` and `npm run restore -- <backup>` (server/ops/backup.ts),
 * for the data folder of the embedded default (DATA_DIR). With MONGODB_URI the database is not in
 * the data folder: the command says what to use instead rather than pretending.
 */
import path from 'node:path';
import { loadConfig, loadDotEnv, type Config } from '../config.js';
import { ConfigError } from '../config.problems.js';
import { backupDataDir, BackupError, restoreDataDir } from './backup.js';

const usage = 'usage: npm run backup -- <new folder or file.tar.gz>\n       npm run restore -- <backup folder or file.tar.gz>';

function mongoAdvice(config: Config, command: string): string {
  const files = ['attachments', 'inbound'].map((f) => path.join(config.dataDir, f)).join(' and ');
  return [
    `MONGODB_URI is set: the database is your MongoDB, not the data folder, so \`npm run ${command}\` does not handle it.`,
    command === 'backup'
      ? `Use \`mongodump --uri "$MONGODB_URI" --gzip --archive=relais.archive\`, then copy the files folders (${files}, and secrets.json) after it.`
      : `Use \`mongorestore --uri "$MONGODB_URI" --gzip --archive=relais.archive --drop\`, then put the files folders (${files}, and secrets.json) back.`,
  ].join('\n');
}

async function main(): Promise<number> {
  const [command, target] = process.argv.slice(2);
  if ((command !== 'backup' && command !== 'restore') || !target) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  let config: Config;
  try {
    loadDotEnv();
    // The data folder is read (backup) or replaced (restore) as it is: nothing written into it first.
    config = loadConfig(undefined, { writeSecrets: false });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  if (config.mongodbUri) {
    process.stderr.write(`${mongoAdvice(config, command)}\n`);
    return 3;
  }
  try {
    if (command === 'backup') {
      const manifest = await backupDataDir({ dataDir: config.dataDir, toolsDir: config.toolsDir, target });
      const files = Object.entries(manifest.files)
        .map(([k, v]) => `${String(v)} ${k}`)
        .join(', ');
      process.stdout.write(`Backup written to ${path.resolve(target)}: ${manifest.databases.join(', ') || 'no database'}; files: ${files}.\n`);
    } else {
      const { previous } = await restoreDataDir({ dataDir: config.dataDir, backup: target });
      process.stdout.write(`Restored into ${config.dataDir}.${previous ? ` The folder it replaced is kept as ${previous}.` : ''}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof BackupError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main();
