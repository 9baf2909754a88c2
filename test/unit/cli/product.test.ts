import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../config/temp-files.js';
import { FIXTURE_ENV, fixtureTree, useSpecWriter } from '../product/spec-fixture.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;
const tmp = useTempDir();
const write = useSpecWriter();
const FIXTURE = 'test/fixtures/products/customer360.yaml';

/** Runs `cellar …` from source, in the repository root, with only the given variables. */
function cellar(args: string[], env: Record<string, string> = FIXTURE_ENV) {
  const result = spawnSync(tsx, ['src/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cellar product validate', () => {
  it('exits 0 and prints ok with name and version for a valid spec', () => {
    const run = cellar(['product', 'validate', FIXTURE]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`ok ${FIXTURE} (customer360@1.0.0)\n`);
    expect(run.status).toBe(0);
  });

  it('exits 1 and prints every problem of every file', () => {
    const bad = fixtureTree();
    bad.tables.orders.columns.total.type = 'decmal';
    bad.tables.order_items.parent.table = 'order';
    const badFile = write(bad, 'bad.yaml');
    const run = cellar(['product', 'validate', FIXTURE, badFile, `${tmp.dir}/missing.yaml`]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(`ok ${FIXTURE} (customer360@1.0.0)\n`);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /bad\.yaml:\d+:\d+: tables\.orders\.columns\.total\.type: expected one of integer, decimal, .*; got "decmal"$/,
    );
    expect(lines[1]).toBe(`${tmp.dir}/missing.yaml: no such file`);
    expect(lines[2]).toBe('2 of 3 specs are invalid');
  });

  it('reports semantic problems once the shape is right', () => {
    const bad = fixtureTree();
    bad.tables.order_items.parent.table = 'order';
    const run = cellar(['product', 'validate', write(bad, 'bad-parent.yaml')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /bad-parent\.yaml:\d+:\d+: tables\.order_items\.parent\.table: expected one of customers, orders; got "order"\n$/,
    );
  });

  it('exits 1 naming an unset variable', () => {
    const run = cellar(['product', 'validate', FIXTURE], {});
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `${FIXTURE}:31:38: sources.crm.url: environment variable CRM_DATABASE_URL is not set`,
    );
  });
});

describe('cellar product describe', () => {
  it('prints a spec file as JSON', () => {
    const run = cellar(['product', 'describe', '--file', FIXTURE, '--json']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { name: string; tables: { name: string }[] };
    expect(json.name).toBe('customer360');
    expect(json.tables.map((t) => t.name)).toEqual(['customers', 'orders', 'order_items']);
    expect(run.stdout).not.toContain('s3cret');
  });

  it('prints the products of a configuration as text', () => {
    const config = tmp.write('cellar.yaml', `products: [${root}${FIXTURE}]\n`);
    const run = cellar(['product', 'describe', 'customer360', '--config', config]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('customer360@1.0.0  Customer 360');
    expect(run.stdout).toContain(
      '  orders  entity id in customer_id; primary key (id); children: order_items',
    );
    expect(run.stdout).toMatch(/ {4}ssn +text +pii tokenize format-preserving +default=redact/);
    expect(run.stdout).toContain('  dpo  (clear: every column as stored)');
    expect(run.stdout).toContain('url: postgres://cellar:***@db.local:5432/crm');
  });

  it('exits 1 with the code, message and hint, and no stack trace', () => {
    const run = cellar(['product', 'describe', 'nope', '--file', FIXTURE]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'error CELLAR_ERR_PRODUCT_NOT_FOUND: no data product named "nope"\nhint: known products: customer360\n',
    );
  });

  it('adds the stack trace with CELLAR_DEBUG=1', () => {
    const run = cellar(['product', 'describe', '--config', `${tmp.dir}/none.yaml`], { CELLAR_DEBUG: '1' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^error CELLAR_ERR_CONFIG_NOT_FOUND: configuration file .*none\.yaml does not exist\n/,
    );
    expect(run.stderr).toMatch(/\n {4}at /);
  });
});
