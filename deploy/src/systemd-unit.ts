/** A unit file as section → key → values (a key may repeat). */
export type Unit = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

export const parseUnit = (text: string): Unit => {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const equals = line.indexOf('=');
    if (current === undefined || equals <= 0) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, equals).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(equals + 1).trim()]);
  }
  return sections;
};

/** The one value of `key` in `section`; absent or repeated is an error. */
export const unitValue = (unit: Unit, section: string, key: string): string => {
  const values = unit.get(section)?.get(key) ?? [];
  if (values.length !== 1 || values[0] === undefined) throw new Error(`[${section}] ${key} is set ${values.length} times`);
  return values[0];
};

/** An EnvironmentFile: NAME=value lines, comments and blanks skipped. */
export const parseEnvFile = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const equals = line.indexOf('=');
        if (equals <= 0) throw new Error(`not NAME=value: ${line}`);
        return [line.slice(0, equals), line.slice(equals + 1)];
      }),
  );
