import { ConfigurationError } from '../lib/errors.ts';
import { quote, splitLines } from '../lib/inputs.ts';

/**
 * One step output and where its value comes from: `name=path [path ...]`. A path is an output
 * name with map keys after dots (`task_families.migrate`); `.*` takes every value of a map in
 * key order (or every element of a list); a trailing `?` makes it optional (empty when the output, the key or the value is
 * missing). A list, a `.*` or several paths give one line per value.
 */
export interface Mapping {
  output: string;
  paths: Path[];
}

interface Path {
  text: string;
  keys: string[];
  optional: boolean;
}

interface TerraformOutput {
  value?: unknown;
  sensitive?: boolean;
}

const STEP_OUTPUT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.([A-Za-z0-9_-]+|\*))*\??$/;

export function parseMappings(input: string, text: string): Mapping[] {
  const mappings = splitLines(text).map((line) => {
    const eq = line.indexOf('=');
    const output = line.slice(0, eq).trim();
    const paths = line
      .slice(eq + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (eq < 0 || !STEP_OUTPUT.test(output) || paths.length === 0) {
      throw new ConfigurationError(
        `Input "${input}": ${quote(line)} is not \`step-output=output.key\` (e.g. migrate-family=task_families.migrate).`,
      );
    }
    return {
      output,
      paths: paths.map((path) => {
        if (!PATH.test(path)) {
          throw new ConfigurationError(
            `Input "${input}": ${quote(path)} (for ${output}) is not an output name with optional .key, .* and a trailing ?.`,
          );
        }
        const optional = path.endsWith('?');
        return { text: path, keys: (optional ? path.slice(0, -1) : path).split('.'), optional };
      }),
    };
  });
  const seen = new Set<string>();
  for (const { output } of mappings) {
    if (seen.has(output)) throw new ConfigurationError(`Input "${input}" names step output ${output} twice.`);
    seen.add(output);
  }
  if (mappings.length === 0) throw new ConfigurationError(`Input "${input}" maps no output.`);
  return mappings;
}

/**
 * The step outputs of `terraform output -json`, or one error naming each path the root cannot
 * answer (with the outputs it has). A sensitive output is refused: step outputs are not secret.
 */
export function mapOutputs(json: unknown, mappings: Mapping[]): Record<string, string> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigurationError('terraform output -json did not print an object of outputs.');
  }
  const outputs = json as Record<string, TerraformOutput>;
  const problems: string[] = [];
  const result: Record<string, string> = {};
  for (const { output, paths } of mappings) {
    const lines: string[] = [];
    for (const path of paths) {
      const found = resolve(outputs, path);
      if (typeof found === 'string') problems.push(`${output}=${path.text}: ${found}`);
      else lines.push(...found.values);
    }
    result[output] = lines.join('\n');
  }
  if (problems.length > 0) {
    const names = Object.keys(outputs).sort();
    throw new ConfigurationError(
      `The root's outputs do not answer ${problems.join('; ')} (its outputs: ${names.join(', ') || 'none'}).`,
    );
  }
  return result;
}

/**
 * The values a path names, or why it names none. A missing output, key or null value is absent
 * (empty when the path is optional); a map where a value was expected is always a mistake.
 */
function resolve(outputs: Record<string, TerraformOutput>, path: Path): { values: string[] } | string {
  const [name, ...keys] = path.keys as [string, ...string[]];
  // Own properties only: `constructor` or `toString` is no output.
  const output = Object.hasOwn(outputs, name) ? outputs[name] : undefined;
  if (output === undefined) return path.optional ? { values: [] } : `no output ${name}`;
  if (output.sensitive) return `output ${name} is sensitive, and a step output is not secret`;
  let values: unknown[] = [output.value];
  let absent: string | undefined;
  for (const key of keys) {
    const next: unknown[] = [];
    for (const value of values) {
      if (value === null || value === undefined) {
        absent ??= `${name} is null`;
      } else if (key === '*' && Array.isArray(value)) {
        next.push(...(value as unknown[]));
      } else if (typeof value !== 'object' || Array.isArray(value)) {
        return `${name} is not a map at .${key}`;
      } else {
        const map = value as Record<string, unknown>;
        if (key === '*')
          next.push(
            ...Object.keys(map)
              .sort()
              .map((k) => map[k]),
          );
        else if (Object.hasOwn(map, key)) next.push(map[key]);
        else absent ??= `no key ${key} in ${name}`;
      }
    }
    values = next;
  }
  const lines: string[] = [];
  for (const value of values.flatMap((v) => (Array.isArray(v) ? v : [v]))) {
    if (value === null || value === undefined) absent ??= `${path.keys.join('.')} is null`;
    else if (typeof value === 'object')
      return `${path.keys.join('.')} is a map: name a key, or .* for its values`;
    else lines.push(String(value));
  }
  if (absent) return path.optional ? { values: [] } : absent;
  return { values: lines };
}
