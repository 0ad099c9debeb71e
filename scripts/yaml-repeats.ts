/**
 * Repeated blocks in workflow YAML: runs of `minLines` or more consecutive lines of steps
 * (trimmed; blank lines and comments left out) that appear in more than one place across the
 * reusable workflows and local actions. A block repeated is logic that belongs in one composite action or one
 * TypeScript function. Pure: files in, repeats out (the CLI is check-yaml-repeats.ts).
 */

export interface YamlFile {
  path: string;
  text: string;
}

export interface Repeat {
  lines: string[];
  /** `path:line` of each place the block starts. */
  places: string[];
}

interface Line {
  text: string;
  number: number;
}

const indent = (raw: string) => raw.length - raw.trimStart().length;

/**
 * A line that only hands a workflow input or secret on (`aws-region: ${{ inputs.aws-region }}`):
 * wiring, not logic; GitHub has no other way to give a step a secret or an input.
 */
const PASS_THROUGH = /^[\w-]+:\s*\$\{\{\s*(?:inputs|secrets)\.[\w-]+\s*\}\}$/;

/**
 * The lines of `steps:` lists (jobs' steps, a composite's runs.steps): where logic lives.
 * Input and secret declarations, a caller's `with:` and pass-through lines are interfaces,
 * repeated by design.
 */
function meaningful(text: string): Line[] {
  const lines: Line[] = [];
  let stepsIndent: number | undefined;
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (stepsIndent !== undefined && indent(raw) <= stepsIndent) stepsIndent = undefined;
    if (stepsIndent !== undefined) {
      if (!PASS_THROUGH.test(trimmed)) lines.push({ text: trimmed, number: i + 1 });
    } else if (trimmed === 'steps:') stepsIndent = indent(raw);
  });
  return lines;
}

/** Every maximal block of at least `minLines` lines found in two places or more. */
export function findRepeats(files: YamlFile[], minLines = 6): Repeat[] {
  const read = files.map((f) => ({ path: f.path, lines: meaningful(f.text) }));
  // Index each window of minLines lines by its text, then grow matched pairs to their full length.
  const windows = new Map<string, { file: number; at: number }[]>();
  read.forEach((f, file) => {
    for (let at = 0; at + minLines <= f.lines.length; at++) {
      const key = f.lines
        .slice(at, at + minLines)
        .map((l) => l.text)
        .join('\n');
      windows.set(key, [...(windows.get(key) ?? []), { file, at }]);
    }
  });
  const repeats = new Map<string, Set<string>>();
  const covered = new Set<string>();
  for (const places of windows.values()) {
    if (places.length < 2) continue;
    const first = places[0]!;
    const lines = read[first.file]!.lines;
    // Grow the block while every place still agrees on the next line.
    let length = minLines;
    while (
      places.every((p) => {
        const next = read[p.file]!.lines[p.at + length];
        return next !== undefined && next.text === lines[first.at + length]?.text;
      })
    )
      length++;
    const key = lines
      .slice(first.at, first.at + length)
      .map((l) => l.text)
      .join('\n');
    // A window inside a block already reported is the same repeat seen again.
    if ([...covered].some((c) => c.includes(key))) continue;
    covered.add(key);
    repeats.set(
      key,
      new Set(places.map((p) => `${read[p.file]!.path}:${read[p.file]!.lines[p.at]!.number}`)),
    );
  }
  return [...repeats].map(([key, places]) => ({ lines: key.split('\n'), places: [...places] }));
}
