import type { Command } from 'commander';
import { formatDocumentError } from '../config/document-error.js';
import type { Env } from '../config/interpolate.js';
import { loadConfig } from '../config/load-config.js';
import { compileProduct } from '../product/compile.js';
import { loadSpec, specErrors } from '../product/load-spec.js';
import { productToJson } from '../product/product-json.js';
import { loadProducts, ProductRegistry } from '../product/product-registry.js';
import type { Product } from '../product/types.js';
import { debugEnabled, errorLines, type Output, printJson, stdio } from './output.js';
import { describeProductText } from './product-describe.js';

/** Default `--config` of commands that read the runtime configuration. */
export const DEFAULT_CONFIG_FILE = 'config/cellar.yaml';

/**
 * Validates and compiles each spec file, printing `ok FILE (product@version)` for each valid one
 * and every problem of every invalid one (to the error stream). Returns the exit code: 0 when
 * all are valid, 1 otherwise.
 */
export function validateSpecs(files: readonly string[], env: Env, output: Output): number {
  let failed = 0;
  for (const file of files) {
    try {
      const product = compileProduct(loadSpec(file, env));
      output.out(`ok ${file} (${product.name}@${product.version})`);
    } catch (err) {
      failed++;
      const problems = specErrors(err);
      if (problems.length === 0) for (const line of errorLines(err, debugEnabled(env))) output.err(line);
      for (const problem of problems) output.err(formatDocumentError(problem));
    }
  }
  if (failed > 0 && files.length > 1) output.err(`${failed} of ${files.length} specs are invalid`);
  return failed > 0 ? 1 : 0;
}

export interface DescribeOptions {
  /** Runtime configuration listing the products (used when `file` is not given). */
  readonly config?: string;
  /** A spec file to describe directly. */
  readonly file?: string;
  readonly json?: boolean;
}

/**
 * Prints products as readable text or JSON: the spec at `opts.file`, or the products of the
 * configuration — the one called `name`, or all of them when no name is given.
 *
 * @throws CellarError as loading does; CELLAR_ERR_PRODUCT_NOT_FOUND for an unknown name.
 */
export function describeProducts(
  name: string | undefined,
  opts: DescribeOptions,
  env: Env,
  output: Output,
): void {
  let products: readonly Product[];
  if (opts.file !== undefined) {
    const product = compileProduct(loadSpec(opts.file, env));
    if (name !== undefined && name !== product.name) {
      // The registry's own lookup, so that the error reads the same as with --config.
      new ProductRegistry([product]).get(name);
    }
    products = [product];
  } else {
    const registry = loadProducts(loadConfig(opts.config ?? DEFAULT_CONFIG_FILE, env).products, env);
    products = name === undefined ? registry.list() : [registry.get(name)];
  }
  if (opts.json === true) {
    const json = products.map(productToJson);
    printJson(output, name !== undefined || opts.file !== undefined ? json[0] : json);
    return;
  }
  products.forEach((product, i) => {
    if (i > 0) output.out('');
    for (const line of describeProductText(product)) output.out(line);
  });
}

/** Registers `cellar product validate` and `cellar product describe`. */
export function registerProductCommands(program: Command, output: Output = stdio): void {
  const product = program.command('product').description('check and inspect data-product specs');

  product
    .command('validate')
    .description('validate product spec files; print every problem with its file, line and path')
    .argument('<files...>', 'spec files (YAML)')
    .action((files: string[]) => {
      process.exitCode = validateSpecs(files, process.env, output);
    });

  product
    .command('describe')
    .description(
      'print a compiled product: tables, columns, types, pii, routes, masks per role, access, sources',
    )
    .argument('[name]', 'product name (default: every product of the configuration)')
    .option('-c, --config <file>', 'runtime configuration listing the products', DEFAULT_CONFIG_FILE)
    .option('-f, --file <spec>', 'describe this spec file instead of the configured products')
    .option('--json', 'print JSON instead of text')
    .action((name: string | undefined, opts: DescribeOptions) => {
      describeProducts(name, opts, process.env, output);
    });
}
