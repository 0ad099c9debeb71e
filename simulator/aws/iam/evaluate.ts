/**
 * IAM policy evaluation, as AWS documents it: an explicit Deny in any policy (identity-based,
 * boundary, or the resource's own policy where it names the caller) wins. Otherwise, within one
 * account, an identity-based policy or the resource's policy must allow the request; across
 * accounts both must. A permissions boundary, when the principal has one, must allow it too
 * (AWS exempts a resource policy naming a role session itself; the product's names roles and
 * accounts). Anything else is an implicit deny. Pure: no I/O, no state.
 */

export type Effect = 'Allow' | 'Deny';
type OneOrMany<T> = T | T[];
export type ConditionBlock = Record<string, Record<string, OneOrMany<string | boolean | number>>>;

export interface Statement {
  Sid?: string;
  Effect: Effect;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Principal?: unknown;
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version?: string;
  Statement: OneOrMany<Statement>;
}

export interface NamedPolicy {
  /** An inline policy's name or a managed policy's ARN: what an answer names. */
  name: string;
  document: PolicyDocument;
}

export type ContextValue = string | boolean | number | readonly string[];

/** One authorization: an action on one resource ARN (`*` when the action has no resource type). */
export interface AuthRequest {
  action: string;
  resource: string;
  /** Condition keys and their values; a key not given is missing (what `Null` and `…IfExists` test). */
  context?: Record<string, ContextValue | undefined>;
}

export interface Principal {
  /** The caller, as it appears in an AccessDenied message (an assumed-role ARN). */
  arn: string;
  /** The role the session is of (aws:PrincipalArn) and its account (aws:PrincipalAccount). */
  roleArn?: string;
  account?: string;
  identityPolicies: NamedPolicy[];
  boundary?: NamedPolicy;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface MatchedStatement {
  policy: string;
  sid?: string;
  effect: Effect;
}

export interface Evaluation {
  decision: Decision;
  /** Which kind of policy decided a deny: AWS says so in the message. */
  deniedBy?: 'identity' | 'boundary' | 'resource';
  matched: MatchedStatement[];
}

const asList = <T>(value: OneOrMany<T> | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** IAM wildcards: `*` any run of characters, `?` one character. */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(text);
}

/** `${aws:username}`-style policy variables from the request context; `${*}`, `${?}`, `${$}` escapes. */
function substitute(pattern: string, context: Map<string, ContextValue>): string {
  return pattern.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name;
    const value = context.get(name.toLowerCase());
    return typeof value === 'string' ? value : whole;
  });
}

function lowerKeys(context: AuthRequest['context']): Map<string, ContextValue> {
  const map = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(context ?? {}))
    if (value !== undefined) map.set(key.toLowerCase(), value);
  return map;
}

type Comparator = (wanted: string, actual: string) => boolean;

const COMPARATORS: Record<string, Comparator> = {
  StringEquals: (w, a) => w === a,
  StringEqualsIgnoreCase: (w, a) => w.toLowerCase() === a.toLowerCase(),
  StringLike: (w, a) => globMatch(w, a),
  ArnEquals: (w, a) => globMatch(w, a),
  ArnLike: (w, a) => globMatch(w, a),
  Bool: (w, a) => w.toLowerCase() === a.toLowerCase(),
  NumericEquals: (w, a) => Number(a) === Number(w),
  NumericLessThan: (w, a) => Number(a) < Number(w),
  NumericLessThanEquals: (w, a) => Number(a) <= Number(w),
  NumericGreaterThan: (w, a) => Number(a) > Number(w),
  NumericGreaterThanEquals: (w, a) => Number(a) >= Number(w),
  DateEquals: (w, a) => Date.parse(a) === Date.parse(w),
  DateLessThan: (w, a) => Date.parse(a) < Date.parse(w),
  DateGreaterThan: (w, a) => Date.parse(a) > Date.parse(w),
};

/** Negated operators: true when no value matches (and when the key is missing). */
const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
};

/** Thrown for a condition operator this evaluator does not know: a policy it cannot judge. */
export class UnsupportedCondition extends Error {}

function conditionHolds(
  operatorName: string,
  key: string,
  wantedValues: (string | boolean | number)[],
  context: Map<string, ContextValue>,
): boolean {
  let operator = operatorName;
  let set: 'all' | 'any' | undefined;
  if (operator.startsWith('ForAllValues:')) [set, operator] = ['all', operator.slice('ForAllValues:'.length)];
  else if (operator.startsWith('ForAnyValue:'))
    [set, operator] = ['any', operator.slice('ForAnyValue:'.length)];
  const ifExists = operator.endsWith('IfExists');
  if (ifExists) operator = operator.slice(0, -'IfExists'.length);

  const raw = context.get(key.toLowerCase());
  const present = raw !== undefined && !(Array.isArray(raw) && raw.length === 0);
  const wanted = wantedValues.map((v) => substitute(String(v), context));

  if (operator === 'Null') {
    // Null: "true" means the key must be missing, "false" that it must be there.
    return wanted.some((w) => (w.toLowerCase() === 'true' ? !present : present));
  }
  const negatedOf = NEGATED[operator];
  const compare = COMPARATORS[negatedOf ?? operator];
  if (!compare) throw new UnsupportedCondition(`condition operator ${operatorName}`);
  if (!present) {
    if (set === 'all') return true;
    if (set === 'any') return false;
    return ifExists || negatedOf !== undefined;
  }
  const actual = (Array.isArray(raw) ? raw : [raw]).map(String);
  const matches = (value: string) => wanted.some((w) => compare(w, value));
  if (set === 'all') return actual.every((value) => (negatedOf ? !matches(value) : matches(value)));
  if (set === 'any') return actual.some((value) => (negatedOf ? !matches(value) : matches(value)));
  return negatedOf ? !actual.some(matches) : actual.some(matches);
}

function statementApplies(
  statement: Statement,
  request: AuthRequest,
  context: Map<string, ContextValue>,
): boolean {
  const actionMatch = (patterns: string[]) => patterns.some((p) => globMatch(p, request.action, true));
  if (statement.Action !== undefined && !actionMatch(asList(statement.Action))) return false;
  if (statement.NotAction !== undefined && actionMatch(asList(statement.NotAction))) return false;
  const resourceMatch = (patterns: string[]) =>
    patterns.some((p) => globMatch(substitute(p, context), request.resource));
  if (statement.Resource !== undefined && !resourceMatch(asList(statement.Resource))) return false;
  if (statement.NotResource !== undefined && resourceMatch(asList(statement.NotResource))) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      if (!conditionHolds(operator, key, asList(values), context)) return false;
    }
  }
  return true;
}

function matchingStatements(
  policies: NamedPolicy[],
  request: AuthRequest,
  context: Map<string, ContextValue>,
) {
  const matched: MatchedStatement[] = [];
  for (const policy of policies) {
    for (const statement of asList(policy.document.Statement)) {
      if (statementApplies(statement, request, context)) {
        matched.push({ policy: policy.name, sid: statement.Sid, effect: statement.Effect });
      }
    }
  }
  return matched;
}

/**
 * How a resource policy statement's Principal names this caller: `direct` (everyone, its role,
 * its session), `account` (its account, `…:root` or the id: a grant to the account, which
 * still needs the caller's own identity policy to allow it), or not at all. `NotPrincipal` is
 * refused, as a policy this evaluator cannot judge.
 */
function principalMatch(statement: Statement, principal: Principal): 'direct' | 'account' | undefined {
  if ('NotPrincipal' in statement) throw new UnsupportedCondition('NotPrincipal');
  const named = statement.Principal;
  if (named === '*') return 'direct';
  const aws = asList((named as { AWS?: OneOrMany<string> } | undefined)?.AWS);
  if (aws.some((p) => p === '*' || p === principal.roleArn || p === principal.arn)) return 'direct';
  if (aws.some((p) => p === principal.account || p === `arn:aws:iam::${principal.account}:root`))
    return 'account';
  return undefined;
}

/** The account in a resource ARN (none for S3 buckets and `*`). */
const accountOf = (resource: string) => resource.split(':')[4] ?? '';

export function evaluate(
  principal: Principal,
  request: AuthRequest,
  resourcePolicy?: NamedPolicy,
): Evaluation {
  const context = lowerKeys({
    ...(principal.roleArn && { 'aws:PrincipalArn': principal.roleArn }),
    ...(principal.account && { 'aws:PrincipalAccount': principal.account }),
    ...request.context,
  });
  const identity = matchingStatements(principal.identityPolicies, request, context);
  const boundary = principal.boundary
    ? matchingStatements([principal.boundary], request, context)
    : undefined;
  const resourceStatements = (kind: 'direct' | 'account') =>
    resourcePolicy
      ? matchingStatements(
          [
            {
              ...resourcePolicy,
              document: {
                Statement: asList(resourcePolicy.document.Statement).filter(
                  (s) => principalMatch(s, principal) === kind,
                ),
              },
            },
          ],
          request,
          context,
        )
      : [];
  const direct = resourceStatements('direct');
  const toAccount = resourceStatements('account');
  const resource = [...direct, ...toAccount];
  const matched = [...identity, ...(boundary ?? []), ...resource];
  const denied = (s: MatchedStatement[]) => s.some((m) => m.effect === 'Deny');
  const allows = (s: MatchedStatement[]) => s.some((m) => m.effect === 'Allow');
  if (denied(identity)) return { decision: 'explicitDeny', deniedBy: 'identity', matched };
  if (boundary && denied(boundary)) return { decision: 'explicitDeny', deniedBy: 'boundary', matched };
  if (denied(resource)) return { decision: 'explicitDeny', deniedBy: 'resource', matched };
  const owner = accountOf(request.resource);
  const crossAccount = owner !== '' && principal.account !== undefined && owner !== principal.account;
  // Within an account a grant to the caller itself suffices; one to the account does not.
  if (crossAccount ? !allows(identity) : !allows(identity) && !allows(direct))
    return { decision: 'implicitDeny', deniedBy: 'identity', matched };
  if (crossAccount && !allows(resource)) return { decision: 'implicitDeny', deniedBy: 'resource', matched };
  if (boundary && !allows(boundary)) {
    return { decision: 'implicitDeny', deniedBy: 'boundary', matched };
  }
  return { decision: 'allowed', matched };
}

/** The message AWS gives an AccessDenied answer for this evaluation. */
export function accessDeniedMessage(principal: string, request: AuthRequest, evaluation: Evaluation): string {
  const kind = {
    identity: 'identity-based policy',
    boundary: 'permissions boundary',
    resource: 'resource-based policy',
  }[evaluation.deniedBy ?? 'identity'];
  const why =
    evaluation.decision === 'explicitDeny'
      ? `with an explicit deny in ${kind.startsWith('identity') ? 'an' : 'a'} ${kind}`
      : `because no ${kind} allows the ${request.action} action`;
  return `User: ${principal} is not authorized to perform: ${request.action} on resource: ${request.resource} ${why}`;
}
