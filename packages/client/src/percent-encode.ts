// Bytes to URL text. Everything but the unreserved letters, digits, `-`, `_` and `~` is
// escaped, `/` and `.` included: a URL parser on the server folds `.` and `..` path segments
// (written plainly or as %2E), while `%2F` keeps a key's slashes inside one segment.

const HEX = '0123456789ABCDEF';

const isKeptByte = (byte: number): boolean =>
  (byte >= 0x30 && byte <= 0x39) || // 0-9
  (byte >= 0x41 && byte <= 0x5a) || // A-Z
  (byte >= 0x61 && byte <= 0x7a) || // a-z
  byte === 0x2d || // -
  byte === 0x5f || // _
  byte === 0x7e; // ~

export const percentEncode = (bytes: Uint8Array): string => {
  let text = '';
  for (const byte of bytes) {
    text += isKeptByte(byte) ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 0xf]}`;
  }
  return text;
};
