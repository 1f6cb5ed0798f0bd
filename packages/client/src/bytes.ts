/** A key, value or prefix: text (sent as its UTF-8 bytes) or raw bytes. */
export type Bytes = string | Uint8Array;

const utf8 = new TextEncoder();

export const toBytes = (value: Bytes): Uint8Array => (typeof value === 'string' ? utf8.encode(value) : value);
