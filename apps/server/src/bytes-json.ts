import { badRequest } from './http-error.js';

// Keys and values are bytes, JSON holds text. The rule, both ways: a bytes field `name` is
// written as UTF-8 text under `name` when the bytes are valid UTF-8, else as standard
// base64 under `name_base64`. A client sends either form, never both.

const utf8Text = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const bytesToJsonField = (name: string, bytes: Uint8Array): Record<string, string> => {
  try {
    return { [name]: utf8Text.decode(bytes) };
  } catch {
    return { [`${name}_base64`]: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
};

/** A field the client sent; never one every object inherits. */
export const ownField = (object: Readonly<Record<string, unknown>>, name: string): unknown =>
  Object.hasOwn(object, name) ? object[name] : undefined;

/** Reads `name` or `name_base64` from a parsed JSON object; undefined when neither is there. */
export const bytesFromJsonField = (object: Readonly<Record<string, unknown>>, name: string): Uint8Array | undefined => {
  const text = ownField(object, name);
  const base64 = ownField(object, `${name}_base64`);
  if (text !== undefined && base64 !== undefined) {
    throw badRequest('bad_json', `give either "${name}" or "${name}_base64", not both`);
  }
  if (text !== undefined) {
    if (typeof text !== 'string') throw badRequest('bad_json', `"${name}" must be a string`);
    return utf8.encode(text);
  }
  if (base64 === undefined) return undefined;
  if (typeof base64 !== 'string' || !STRICT_BASE64.test(base64)) {
    throw badRequest('bad_json', `"${name}_base64" must be a padded standard base64 string`);
  }
  return new Uint8Array(Buffer.from(base64, 'base64'));
};
