/**
 * The runner's file commands: GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STATE hold `name=value` lines
 * and `name<<DELIMITER` blocks (a multi-line value ending at a line that is exactly DELIMITER);
 * GITHUB_PATH holds one directory a line. Malformed content fails the step as the runner does.
 */
export function parseKeyValueFile(text: string, file = 'GITHUB_OUTPUT'): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    const equals = line.indexOf('=');
    if (heredoc && (equals === -1 || equals > line.indexOf('<<'))) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; ; i++) {
        if (i >= lines.length) throw new Error(`${file}: no closing delimiter '${delimiter}' for '${name}'`);
        if (lines[i] === delimiter) break;
        value.push(lines[i]!);
      }
      values[name] = value.join('\n');
    } else if (equals > 0) {
      values[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`${file}: invalid line '${line}' (expected name=value or name<<DELIMITER)`);
    }
  }
  return values;
}

export function parsePathFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
