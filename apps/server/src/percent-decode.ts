import { badRequest } from './http-error.js';

const utf8 = new TextEncoder();
const PERCENT = 0x25;
const PLUS = 0x2b;
const SPACE = 0x20;

const hexValue = (code: number): number => {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
};

/**
 * Percent-decodes to BYTES rather than to a string, so a key may hold any bytes (`%FF` is the
 * byte 0xFF, not a decoding error). `plusIsSpace` applies the form rule of query strings.
 */
export const percentDecode = (text: string, plusIsSpace: boolean): Uint8Array => {
  const raw = utf8.encode(text);
  const out = new Uint8Array(raw.length);
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] as number;
    if (byte === PERCENT) {
      const high = hexValue(raw[i + 1] ?? -1);
      const low = hexValue(raw[i + 2] ?? -1);
      if (high < 0 || low < 0) {
        throw badRequest('bad_encoding', `malformed percent-encoding at "${text.slice(i, i + 3)}"`);
      }
      out[length++] = high * 16 + low;
      i += 2;
    } else {
      out[length++] = plusIsSpace && byte === PLUS ? SPACE : byte;
    }
  }
  return out.slice(0, length);
};
