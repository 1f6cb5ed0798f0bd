/** One instruction of a Dockerfile, continuation lines joined. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Instructions grouped by stage; the `FROM` that opens each is its first. */
export const parseDockerfile = (text: string): Instruction[][] => {
  const stages: Instruction[][] = [];
  let pending = '';
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = pending + line;
    pending = '';
    const space = whole.search(/\s/);
    const keyword = (space < 0 ? whole : whole.slice(0, space)).toUpperCase();
    const args = space < 0 ? '' : whole.slice(space + 1).trim();
    if (keyword === 'FROM') stages.push([]);
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`the Dockerfile has ${keyword} before any FROM`);
    stage.push({ keyword, args });
  }
  return stages;
};

/** An exec-form argument list, `["node", "x.js"]`. */
export const execForm = (args: string): string[] => {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`not an exec-form list: ${args}`);
  return parsed;
};

/** `ENV A=1 B=2` as a map (values here are never quoted). */
export const envPairs = (args: string): Record<string, string> =>
  Object.fromEntries(
    args.split(/\s+/).map((pair) => {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new Error(`ENV ${args}: write each variable as NAME=value`);
      return [pair.slice(0, equals), pair.slice(equals + 1)];
    }),
  );
