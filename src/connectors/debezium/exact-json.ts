/**
 * JSON parsing that keeps 64-bit integers exact. Debezium writes `int8` columns, LSNs and
 * nanosecond times as JSON numbers; `JSON.parse` silently rounds those past 2^53, which would
 * corrupt `integer` columns. Here an integer literal outside the safe range becomes a `bigint`;
 * every other value is what `JSON.parse` gives.
 *
 * Fast path: text without a run of 16 or more digits cannot hold an unsafe integer, so it goes to
 * `JSON.parse` as is. Other text goes through a small exact parser.
 */

/** Invalid JSON. The message names the character offset and what was expected, never the input. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    expected: string,
  ) {
    super(`expected ${expected} at character ${offset + 1}`);
    this.name = 'JsonSyntaxError';
  }
}

const LONG_DIGIT_RUN = /\d{16,}/;

/** Parses JSON text; integers beyond ±(2^53−1) come back as bigint. Throws {@link JsonSyntaxError}. */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Fall through: the exact parser fails too, with a message that does not quote the input
      // (JSON.parse's messages may show a slice of it, and that can be personal data).
    }
  }
  return new ExactParser(text).parseDocument();
}

const WHITESPACE = /[ \t\n\r]*/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class ExactParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.value();
    this.skipWhitespace();
    if (this.pos !== this.text.length) throw new JsonSyntaxError(this.pos, 'end of input');
    return value;
  }

  private value(): unknown {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    throw new JsonSyntaxError(this.pos, 'a JSON value');
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') throw new JsonSyntaxError(this.pos, 'a property name');
      const key = this.string();
      this.expect(':');
      // defineProperty: plain assignment of "__proto__" would set the prototype instead.
      Object.defineProperty(out, key, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      if (this.endOf('}')) return out;
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      if (this.endOf(']')) return out;
    }
  }

  /** After a member: consumes `,` (false) or the closing bracket (true). */
  private endOf(close: '}' | ']'): boolean {
    this.skipWhitespace();
    const c = this.text[this.pos];
    this.pos++;
    if (c === close) return true;
    if (c === ',') return false;
    throw new JsonSyntaxError(this.pos - 1, `',' or '${close}'`);
  }

  private string(): string {
    STRING.lastIndex = this.pos;
    const match = STRING.exec(this.text);
    if (match === null) throw new JsonSyntaxError(this.pos, 'a well-formed string');
    this.pos = STRING.lastIndex;
    return JSON.parse(match[0]) as string;
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) throw new JsonSyntaxError(this.pos, 'a number');
    this.pos = NUMBER.lastIndex;
    const literal = match[0];
    const n = Number(literal);
    const isInteger = match[1] === undefined && match[2] === undefined;
    return isInteger && !Number.isSafeInteger(n) ? BigInt(literal) : n;
  }

  private expect(c: string): void {
    this.skipWhitespace();
    if (this.text[this.pos] !== c) throw new JsonSyntaxError(this.pos, `'${c}'`);
    this.pos++;
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }
}

const LITERALS: readonly (readonly [string, unknown])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
];
