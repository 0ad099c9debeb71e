import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { TokenType } from '@actions/expressions/lexer';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import {
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

/** A JSON value as the runner's contexts hold it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The contexts an expression may read (`inputs`, `steps`, `needs`, ...), as plain JSON. */
export type Contexts = Record<string, Json>;

/**
 * What success()/failure()/cancelled() see: the job's status so far, or for a job's `if:` its
 * needs' results ('skipped' when one was skipped: then neither success() nor failure() holds).
 */
export interface Scope {
  contexts: Contexts;
  status: 'success' | 'failure' | 'cancelled' | 'skipped';
  /** Files hashFiles() globs from (the workspace). */
  hashFiles?: (patterns: string[]) => string;
}

export function toData(value: Json): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

export function fromData(value: data.ExpressionData): Json {
  return JSON.parse(JSON.stringify(value, data.replacer) ?? 'null') as Json;
}

function statusFunctions(scope: Scope): Map<string, FunctionDefinition> {
  const fn = (name: string, result: () => data.ExpressionData, maxArgs = 0): [string, FunctionDefinition] => [
    name.toLowerCase(),
    { name, minArgs: 0, maxArgs, call: result },
  ];
  return new Map([
    fn('success', () => new data.BooleanData(scope.status === 'success')),
    fn('failure', () => new data.BooleanData(scope.status === 'failure')),
    fn('cancelled', () => new data.BooleanData(scope.status === 'cancelled')),
    fn('always', () => new data.BooleanData(true)),
    [
      'hashfiles',
      {
        name: 'hashFiles',
        minArgs: 1,
        maxArgs: 255,
        call: (...args) => {
          if (!scope.hashFiles) throw new Error('hashFiles() is not available here');
          return new data.StringData(scope.hashFiles(args.map((a) => a.coerceString())));
        },
      },
    ],
  ]);
}

/** Evaluates one expression (the text inside `${{ }}`) with GitHub's own evaluator. */
export function evaluate(expression: string, scope: Scope): Json {
  const lexed = new Lexer(expression).lex();
  // The lexer unescapes only the first '' of a string literal (String.replace with a string);
  // the runner unescapes them all: 'a ''{0}'' b' is a '{0}' b.
  for (const token of lexed.tokens)
    if (token.type === TokenType.STRING && token.lexeme.startsWith("'"))
      token.value = token.lexeme.slice(1, -1).replaceAll("''", "'");
  const functions = statusFunctions(scope);
  const parser = new Parser(lexed.tokens, Object.keys(scope.contexts), [...functions.values()]);
  const context = new data.Dictionary(
    ...Object.entries(scope.contexts).map(([key, value]) => ({ key, value: toData(value) })),
  );
  return fromData(new Evaluator(parser.parse(), context, functions).evaluate());
}

/** Truthiness as the runner applies it to `if:` (empty string, 0, null and false are false). */
export function truthy(value: Json): boolean {
  if (typeof value === 'string') return value !== '';
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return value !== null && value !== false;
}

/** A value as the runner turns it into a string for env, `with:` and outputs. */
export function asString(value: Json): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

/** Evaluates a template token tree (mapping, sequence, literal or `${{ }}`) into JSON. */
export function evaluateToken(token: TemplateToken | undefined, scope: Scope): Json {
  if (token === undefined) return null;
  if (isBasicExpression(token)) return evaluate(token.expression, scope);
  if (isString(token)) return token.value;
  if (isNumber(token)) return token.value;
  if (isBoolean(token)) return token.value;
  if (isSequence(token)) {
    const items: Json[] = [];
    for (let i = 0; i < token.count; i++) items.push(evaluateToken(token.get(i), scope));
    return items;
  }
  if (isMapping(token)) {
    const result: Record<string, Json> = {};
    for (const { key, value } of token)
      result[asString(evaluateToken(key, scope))] = evaluateToken(value, scope);
    return result;
  }
  if (token.isExpression) throw new Error(`unsupported expression ${token.toString()}`);
  return null; // a YAML null
}

/** A mapping token evaluated to strings (env, with:, outputs). */
export function evaluateStrings(token: TemplateToken | undefined, scope: Scope): Record<string, string> {
  const value = evaluateToken(token, scope);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`expected a mapping, got ${asString(value)}`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asString(v)]));
}
