import { ConfigurationError } from './errors.ts';
import { quote } from './inputs.ts';

export interface KeyValue {
  key: string;
  value: string;
}

/**
 * Parses `KEY=VALUE` lines (the value may itself contain `=`). `format` is how the error
 * describes a good line, e.g. `CONTAINER=IMAGE`.
 */
export function parseKeyValueLines(input: string, lines: string[], format = 'KEY=VALUE'): KeyValue[] {
  return lines.map((line) => {
    const at = line.indexOf('=');
    const key = at > 0 ? line.slice(0, at).trim() : '';
    if (key === '') {
      throw new ConfigurationError(`Input "${input}": line ${quote(line)} is not ${format}.`);
    }
    return { key, value: line.slice(at + 1).trim() };
  });
}

export interface EnvironmentSetting {
  /** Undefined: every container. */
  container?: string;
  name: string;
  value: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Parses `KEY=VALUE` and `CONTAINER:KEY=VALUE` lines. */
export function parseEnvironmentLines(input: string, lines: string[]): EnvironmentSetting[] {
  return parseKeyValueLines(input, lines, 'KEY=VALUE or CONTAINER:KEY=VALUE').map(({ key, value }) => {
    const colon = key.indexOf(':');
    const container = colon >= 0 ? key.slice(0, colon).trim() : undefined;
    const name = key.slice(colon + 1).trim();
    if (container === '' || !ENV_NAME.test(name)) {
      throw new ConfigurationError(
        `Input "${input}": ${quote(key)} is not a valid KEY or CONTAINER:KEY (letters, digits, _ . -).`,
      );
    }
    return container === undefined ? { name, value } : { container, name, value };
  });
}
