const utf8Text = new TextDecoder('utf-8', { fatal: true });

/** Bytes for a table cell: UTF-8 text with control characters escaped, else `0x` and hex. */
export const displayBytes = (bytes: Uint8Array): string => {
  try {
    // eslint-disable-next-line no-control-regex
    return utf8Text.decode(bytes).replace(/[\u0000-\u001f\u007f]/g, (char) => {
      if (char === '\n') return '\\n';
      if (char === '\t') return '\\t';
      return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
    });
  } catch {
    return `0x${Buffer.from(bytes).toString('hex')}`;
  }
};

/** A bytes field of JSON output, by the server's rule: `name` when UTF-8, else `name_base64`. */
export const bytesField = (name: string, bytes: Uint8Array): Record<string, string> => {
  try {
    return { [name]: utf8Text.decode(bytes) };
  } catch {
    return { [`${name}_base64`]: Buffer.from(bytes).toString('base64') };
  }
};
