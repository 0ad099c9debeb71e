/**
 * Repeated blocks in workflow YAML: runs of `minLines` or more consecutive lines of steps
 * (trimmed; blank lines and comments left out) that appear in more than one place across the
 * reusable workflows and local actions. A block repeated is logic that belongs in one composite action or one
 * TypeScript function. Pure: files in, repeats out (the CLI is check-yaml-repeats.ts).
 */
import { parse, stringify } from 'yaml';

export interface YamlFile {
  path: string;
  text: string;
}

export interface Repeat {
  lines: string[];
  /** `path jobs.x.steps[i]` of each place the block starts. */
  places: string[];
}

interface Line {
  text: string;
  /** Where the step is: `jobs.deploy.steps[3]` or `runs.steps[1]`. */
  where: string;
}

/**
 * A line that only hands a workflow input or secret on (`aws-region: ${{ inputs.aws-region }}`):
 * wiring, not logic; GitHub has no other way to give a step a secret or an input.
 */
const PASS_THROUGH = /^[\w-]+:\s*\$\{\{\s*(?:inputs|secrets)\.[\w-]+\s*\}\}$/;

/** The step lists of a workflow (each job's steps) or a composite action (runs.steps). */
function stepLists(document: unknown): { where: string; steps: unknown[] }[] {
  const doc = (document ?? {}) as { jobs?: Record<string, { steps?: unknown }>; runs?: { steps?: unknown } };
  const lists: { where: string; steps: unknown[] }[] = [];
  for (const [job, body] of Object.entries(doc.jobs ?? {}))
    if (Array.isArray(body?.steps)) lists.push({ where: `jobs.${job}.steps`, steps: body.steps });
  if (Array.isArray(doc.runs?.steps)) lists.push({ where: 'runs.steps', steps: doc.runs.steps });
  return lists;
}

/**
 * The lines of every step, as the YAML parser reads them and prints them again (so layout,
 * comments and quoting cannot hide a repeat): where logic lives. Input and secret declarations,
 * a caller's `with:` and pass-through lines are interfaces, repeated by design.
 */
function meaningful(text: string): Line[] {
  const lines: Line[] = [];
  for (const { where, steps } of stepLists(parse(text))) {
    steps.forEach((step, i) => {
      for (const raw of stringify(step, { lineWidth: 0 }).split('\n')) {
        const trimmed = raw.trim();
        if (trimmed === '' || PASS_THROUGH.test(trimmed)) continue;
        lines.push({ text: trimmed, where: `${where}[${i}]` });
      }
    });
  }
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
    // A window inside a block already reported (line for line) is the same repeat seen again.
    if ([...covered].some((c) => `\n${c}\n`.includes(`\n${key}\n`))) continue;
    covered.add(key);
    repeats.set(key, new Set(places.map((p) => `${read[p.file]!.path} ${read[p.file]!.lines[p.at]!.where}`)));
  }
  return [...repeats].map(([key, places]) => ({ lines: key.split('\n'), places: [...places] }));
}
