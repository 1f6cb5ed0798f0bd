import { badRequest } from './http-error.js';
import { percentDecode } from './percent-decode.js';

const utf8Text = new TextDecoder('utf-8', { fatal: true });

/**
 * The query of a request, each value as bytes. Only `allowed` names are accepted: a misspelt
 * `if_revison` silently ignored would turn a compare-and-swap into a blind write.
 */
export class QueryString {
  private constructor(private readonly values: ReadonlyMap<string, Uint8Array>) {}

  /** `target` is the request target as sent: a request carries no fragment, so `#` is a byte like any. */
  static parse(target: string, allowed: readonly string[]): QueryString {
    const questionMark = target.indexOf('?');
    const values = new Map<string, Uint8Array>();
    if (questionMark < 0) return new QueryString(values);
    const search = target.slice(questionMark + 1);
    for (const pair of search.split('&')) {
      if (pair === '') continue;
      const equals = pair.indexOf('=');
      const name = decodeName(equals < 0 ? pair : pair.slice(0, equals));
      if (!allowed.includes(name)) {
        const accepted = allowed.length === 0 ? 'none' : allowed.join(', ');
        throw badRequest('bad_query', `unknown query parameter "${name}" (accepted: ${accepted})`);
      }
      if (values.has(name)) throw badRequest('bad_query', `query parameter "${name}" given twice`);
      values.set(name, percentDecode(equals < 0 ? '' : pair.slice(equals + 1), true));
    }
    return new QueryString(values);
  }

  bytes(name: string): Uint8Array | undefined {
    return this.values.get(name);
  }

  text(name: string): string | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    try {
      return utf8Text.decode(value);
    } catch {
      throw badRequest('bad_query', `query parameter "${name}" is not valid UTF-8`);
    }
  }
}

const decodeName = (encoded: string): string => {
  const bytes = percentDecode(encoded, true);
  try {
    return utf8Text.decode(bytes);
  } catch {
    throw badRequest('bad_query', 'a query parameter name is not valid UTF-8');
  }
};
