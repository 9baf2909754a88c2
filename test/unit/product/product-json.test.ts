import { describe, expect, it } from 'vitest';
import { compileProduct } from '../../../src/product/compile.js';
import { loadSpec } from '../../../src/product/load-spec.js';
import { productToJson, redactOptions } from '../../../src/product/product-json.js';
import { FIXTURE_ENV, FIXTURE_SPEC } from './spec-fixture.js';

const product = compileProduct(loadSpec(FIXTURE_SPEC, FIXTURE_ENV));

describe('productToJson', () => {
  const json = productToJson(product);

  it('survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('turns masks into text and maps into objects', () => {
    const customers = json.tables[0];
    expect(customers?.columns.find((c) => c.name === 'first_name')?.masks).toEqual({
      default: 'partial(1,0)',
    });
    expect(json.maskPlans.analyst?.customers?.birth_date).toBe('year');
    expect(json.maskPlans.analyst?.customers?.id).toBeNull();
    expect(json.sources[1]?.tables).toEqual({
      'crm.public.customers': 'customers',
      'crm.public.orders': 'orders',
    });
  });

  it('hides the password in source URLs', () => {
    expect(json.sources[0]?.options.url).toBe('postgres://cellar:***@db.local:5432/crm');
  });
});

describe('redactOptions', () => {
  it('hides secret-sounding keys at any depth and passwords inside URLs', () => {
    const options = {
      url: 'postgresql://user:pw@host/db',
      plain: 'postgres://host/db',
      sasl: { mechanism: 'plain', username: 'u', password: 'p' },
      apiKey: 'k',
      list: ['kafka://a:b@host:9092'],
    };
    expect(redactOptions(options)).toEqual({
      url: 'postgresql://user:***@host/db',
      plain: 'postgres://host/db',
      sasl: { mechanism: 'plain', username: 'u', password: '***' },
      apiKey: '***',
      list: ['kafka://a:***@host:9092'],
    });
  });
});
