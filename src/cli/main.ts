#!/usr/bin/env node
/**
 * The `cellar` command. Each sub-command group lives in its own file and is registered below;
 * this file only builds the program, runs it, and turns errors into a message and exit code 1.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAuditCommands } from './audit.js';
import { registerBackfillCommands } from './backfill.js';
import { registerEntityCommands } from './entity.js';
import { registerEntityEraseCommands } from './entity-erase.js';
import { registerKeysCommands } from './keys.js';
import { registerKeyRotationCommands } from './keys-rotate.js';
import { debugEnabled, errorLines, stdio } from './output.js';
import { registerProductCommands } from './product.js';
import { registerServeCommands } from './serve.js';
import { registerSourceCommands } from './source.js';
import { registerSyncCommands } from './sync.js';

function packageVersion(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two folders below package.json.
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

const program = new Command()
  .name('cellar')
  .description('Operational data products: one encrypted micro-database per entity, synced and served masked')
  .version(packageVersion())
  // Root options only before the sub-command: `cellar keys retire --version 1` is the sub-command's.
  .enablePositionalOptions()
  .showHelpAfterError();

// Sub-commands: one register…Commands(program) call per file of src/cli/.
registerProductCommands(program);
registerSyncCommands(program);
registerServeCommands(program);
registerEntityCommands(program);
registerAuditCommands(program);
registerKeysCommands(program);
registerSourceCommands(program);
registerBackfillCommands(program);
registerEntityEraseCommands(program);
registerKeyRotationCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  for (const line of errorLines(err, debugEnabled())) stdio.err(line);
  process.exitCode = 1;
}
