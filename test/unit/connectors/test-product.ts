import type { ColumnDef, EntityRoute, Product, SourceDef, TableDef } from '../../../src/product/types.js';

/**
 * A hand-built customer360 {@link Product} for connector tests (the spec compiler is not needed:
 * connectors only look at table names). Columns carry names and types; DDL is left empty.
 */
export function testProduct(sources: readonly SourceDef[] = []): Product {
  const customers = table('customers', { kind: 'root', column: 'id' }, [
    'id:integer',
    'first_name:text',
    'last_name:text',
    'email:text',
    'ssn:text',
    'phone:text',
    'birth_date:date',
    'created_at:timestamp',
  ]);
  const orders = table('orders', { kind: 'column', column: 'customer_id' }, [
    'id:integer',
    'customer_id:integer',
    'total:decimal',
    'status:text',
    'placed_at:timestamp',
  ]);
  const items = table('order_items', { kind: 'parent', table: 'orders', key: 'order_id' }, [
    'id:integer',
    'order_id:integer',
    'sku:text',
    'qty:integer',
  ]);
  const tables = [customers, orders, items];
  return {
    name: 'customer360',
    version: '1.0.0',
    title: 'Customer 360',
    owner: 'crm-data-team',
    description: 'test product',
    entity: { name: 'customer' },
    tables,
    tablesByName: new Map(tables.map((t) => [t.name, t])),
    root: customers,
    sources,
    access: {},
    maskPlans: {},
    file: '/nonexistent/customer360.yaml',
  };
}

/** A `file` source definition. */
export function fileSource(
  path: string,
  options: Record<string, unknown> = {},
  tables: Record<string, string> = {},
): SourceDef {
  return {
    name: 'sample',
    type: 'file',
    tables: new Map(Object.entries(tables)),
    options: { path, ...options },
  };
}

function table(name: string, route: EntityRoute, specs: readonly string[]): TableDef {
  const columns: ColumnDef[] = specs.map((spec) => {
    const [column = '', type = 'text'] = spec.split(':');
    return {
      name: column,
      type: type as ColumnDef['type'],
      scale: type === 'decimal' ? 2 : undefined,
      pii: false,
      tokenize: undefined,
      deterministic: false,
      masks: {},
    };
  });
  return {
    name,
    root: route.kind === 'root',
    primaryKey: ['id'],
    columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])),
    route,
    children: name === 'orders' ? ['order_items'] : [],
    ddl: '',
  };
}
