import { isCellarError } from '../errors.js';

/**
 * Where the CLI writes: results to stdout, diagnostics to stderr. Commands take an `Output` so
 * they can be driven without a terminal; {@link stdio} is the process's own.
 */
export interface Output {
  /** One line of result. */
  out(line: string): void;
  /** One line of diagnostics or error. */
  err(line: string): void;
}

export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** True when `CELLAR_DEBUG=1`: errors are printed with their stack trace. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CELLAR_DEBUG === '1';
}

/**
 * The lines that report an error to a user: `error CODE: message`, then `hint: …` when there is
 * one. Errors that are not CellarErrors are reported as CELLAR_ERR_INTERNAL. The stack trace is
 * added only with `debug`, never otherwise (it says nothing a user can act on).
 */
export function errorLines(err: unknown, debug: boolean): string[] {
  const lines: string[] = [];
  if (isCellarError(err)) {
    lines.push(`error ${err.code}: ${err.message}`);
    if (err.hint !== undefined) lines.push(`hint: ${err.hint}`);
  } else {
    lines.push(`error CELLAR_ERR_INTERNAL: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (debug && err instanceof Error && err.stack !== undefined) lines.push(err.stack);
  return lines;
}

/** Writes a value as indented JSON on one result "line". */
export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2));
}

/** Left-aligned columns: every row's cells padded to the widest cell of their column. */
export function formatColumns(rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + gap)))
      .join('')
      .trimEnd(),
  );
}
