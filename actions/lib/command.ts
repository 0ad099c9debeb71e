import { ConfigurationError } from './errors.ts';

/**
 * A command input as argv: a JSON array as is, else split like a POSIX shell splits words —
 * whitespace separates, single quotes keep everything, double quotes keep all but `\"` and `\\`,
 * a backslash outside quotes escapes the next character. No expansion of any kind happens.
 */
export function parseCommand(input: string, text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new ConfigurationError(`Input "${input}" is not a valid JSON array: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
      throw new ConfigurationError(`Input "${input}" must be a JSON array of strings.`);
    }
    return parsed;
  }
  return splitWords(input, trimmed);
}

function splitWords(input: string, text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = (word ?? '') + c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word = (word ?? '') + text[++i];
      else word = (word ?? '') + c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new ConfigurationError(`Input "${input}" has an unclosed ${quote} quote.`);
  if (word !== undefined) words.push(word);
  return words;
}
