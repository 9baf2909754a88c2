import { canonicalJsonText } from './json-text.js';
import { reject } from './value-rejection.js';

const NUMERIC_ELEMENT_TYPES = new Set(['_int2', '_int4', '_int8', '_oid', '_numeric', '_float4', '_float8']);
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const DIMENSIONS = /^(?:\[[0-9-]+:[0-9-]+\])+=/;

const EXPECTED = 'a PostgreSQL array literal such as {a,"b c",NULL}';

/** How one unquoted or quoted element becomes JSON, by the array's element type. */
function elementJson(raw: string, quoted: boolean, pgType: string): string {
  if (!quoted && raw.toUpperCase() === 'NULL') return 'null';
  if (NUMERIC_ELEMENT_TYPES.has(pgType)) {
    if (!JSON_NUMBER.test(raw)) reject(`${EXPECTED}; ${pgType} elements must be finite numbers`);
    return raw;
  }
  if (pgType === '_bool') {
    if (raw === 't' || raw === 'f') return raw === 't' ? 'true' : 'false';
    reject(`${EXPECTED}; _bool elements are t or f`);
  }
  if (pgType === '_json' || pgType === '_jsonb') return canonicalJsonText(raw);
  return JSON.stringify(raw);
}

/**
 * Converts PostgreSQL's text form of an array (`{a,"b c",NULL}`, nested `{{1,2},{3,4}}`,
 * optionally prefixed by dimensions `[0:1]=`) to JSON array text. `pgType` is the array type
 * name (`_text`, `_int4`…): numeric element types become JSON numbers with every digit kept,
 * `_bool` becomes true/false, `_json`/`_jsonb` elements are embedded, all else become strings.
 */
export function pgArrayToJson(text: string, pgType: string): string {
  const body = text.replace(DIMENSIONS, '');
  let i = 0;
  const parseArray = (): string => {
    if (body[i] !== '{') reject(EXPECTED);
    i++;
    const items: string[] = [];
    if (body[i] === '}') {
      i++;
      return '[]';
    }
    for (;;) {
      if (body[i] === '{') items.push(parseArray());
      else if (body[i] === '"') {
        let raw = '';
        i++;
        while (i < body.length && body[i] !== '"') {
          if (body[i] === '\\') i++;
          raw += body[i] ?? '';
          i++;
        }
        if (i >= body.length) reject(`${EXPECTED}; a quoted element is not closed`);
        i++;
        items.push(elementJson(raw, true, pgType));
      } else {
        const start = i;
        while (i < body.length && body[i] !== ',' && body[i] !== '}') i++;
        const raw = body.slice(start, i).trim();
        if (raw === '') reject(`${EXPECTED}; an element is empty`);
        items.push(elementJson(raw, false, pgType));
      }
      if (body[i] === ',') i++;
      else if (body[i] === '}') {
        i++;
        return `[${items.join(',')}]`;
      } else reject(EXPECTED);
    }
  };
  const json = parseArray();
  if (i !== body.length) reject(`${EXPECTED}; text follows the closing brace`);
  return json;
}
