/**
 * `cellar audit …`: commands over the tamper-evident audit log.
 *
 * `cellar audit verify --dir DIR` (or `--config FILE`, whose `audit.dir` defaults to
 * `<dataDir>/audit`) exits 0 printing `intact: N records in F files, last seq S`, or exits 2
 * printing `broken: <file>:<line> seq <n>: <reason>`. Other failures (unreadable directory, bad
 * configuration) exit 1 through main's error handler.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { auditSettings } from '../governance/audit/audit-config.js';
import { type VerifyResult, verifyAudit } from '../governance/audit/verify.js';
import { type Output, printJson, stdio } from './output.js';
import { DEFAULT_CONFIG_FILE } from './product.js';

/** Exit code of `audit verify` when the log is not intact. */
export const EXIT_AUDIT_BROKEN = 2;

export interface AuditVerifyOptions {
  readonly dir?: string;
  readonly config?: string;
  /** Trusted checkpoint keys, hex (overrides the configuration's `audit.publicKey`). */
  readonly publicKey?: readonly string[];
  readonly json?: boolean;
}

/** Verifies the audit log chosen by `opts`, prints the outcome, and returns the exit code. */
export async function runAuditVerify(
  opts: AuditVerifyOptions,
  env: NodeJS.ProcessEnv,
  output: Output,
): Promise<number> {
  let dir = opts.dir;
  let publicKeys = opts.publicKey;
  if (dir === undefined) {
    const settings = auditSettings(loadConfig(opts.config ?? DEFAULT_CONFIG_FILE, env));
    dir = settings.dir;
    publicKeys ??= settings.publicKeys;
  }
  const result = await verifyAudit(dir, publicKeys === undefined ? {} : { publicKey: publicKeys });
  if (opts.json === true) printJson(output, { dir, ...result });
  else output.out(summary(result));
  return result.ok ? 0 : EXIT_AUDIT_BROKEN;
}

function summary(result: VerifyResult): string {
  if (result.ok) {
    return `intact: ${result.records} records in ${result.files} files, last seq ${result.lastSeq}`;
  }
  const { file, line, seq, reason } = result.firstBroken;
  return `broken: ${file}:${line} seq ${seq ?? '?'}: ${reason}`;
}

function collect(value: string, previous: readonly string[] | undefined): readonly string[] {
  return [...(previous ?? []), value];
}

/** Registers `cellar audit verify`. */
export function registerAuditCommands(program: Command, output: Output = stdio): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('verify')
    .description('check every record, link, checkpoint signature and file of an audit log')
    .option('-d, --dir <dir>', 'audit directory (instead of the configuration)')
    .option('-c, --config <file>', 'runtime configuration whose audit.dir to verify', DEFAULT_CONFIG_FILE)
    .option('--public-key <hex>', 'trusted checkpoint public key (repeatable)', collect)
    .option('--json', 'print the result as JSON')
    .action(async (opts: AuditVerifyOptions) => {
      process.exitCode = await runAuditVerify(opts, process.env, output);
    });
}
