import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessKeyOf, assumedRoleArn, type Iam } from './iam/index.ts';
import { evaluateTrust, type Claims } from './iam/trust.ts';
import type { EmulatorState } from './state.ts';

/**
 * A stand-in for GitHub's OIDC token endpoint and STS (query protocol, XML answers):
 * AssumeRoleWithWebIdentity judges the role's trust policy against the claims of the job that
 * asked for the token, as STS does, and the check that makes session expiry real: a request
 * signed with an emulator-issued session key past its expiration gets ExpiredTokenException.
 */

interface Sts {
  /** Request token (ACTIONS_ID_TOKEN_REQUEST_TOKEN) → the claims of the job it was given to. */
  jobs: Map<string, Claims>;
  /** ID tokens handed out, in order, with their claims; only these are accepted. */
  tokens: Map<string, Claims>;
  /** How long an issued session lasts; AWS's default for OIDC roles is 3600 s. */
  sessionSeconds: number;
  assumed: { roleArn: string; token: string; sub: string; at: number }[];
  /** AssumeRoleWithWebIdentity calls the trust policy refused. */
  refused: { roleArn: string; sub: string; at: number }[];
  /** Requests refused because their session had expired. */
  expiredRequests: number;
}

const registries = new WeakMap<EmulatorState, Sts>();

export function sts(state: EmulatorState): Sts {
  let found = registries.get(state);
  if (!found) {
    found = {
      jobs: new Map(),
      tokens: new Map(),
      sessionSeconds: 3600,
      assumed: [],
      refused: [],
      expiredRequests: 0,
    };
    registries.set(state, found);
  }
  return found;
}

/** A job's request token: what the runner hands a job with `permissions: id-token: write`. */
export function registerJob(state: EmulatorState, claims: Claims): string {
  const requestToken = `ghs_job_${randomBytes(12).toString('hex')}`;
  sts(state).jobs.set(requestToken, claims);
  return requestToken;
}

/** GET /_oidc/token?audience=…: what @actions/core's getIDToken reads (`{ value }`). */
export function oidcToken(state: EmulatorState, request: IncomingMessage, response: ServerResponse): void {
  const requestToken = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
  const job = sts(state).jobs.get(requestToken);
  if (!job) {
    response.writeHead(401).end('bad request token');
    return;
  }
  const audience = new URL(request.url ?? '', 'http://x').searchParams.get('audience') ?? undefined;
  const token = issueIdToken(state, job, audience);
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: token }));
}

/** An ID token with a job's claims, as GitHub's issuer signs one; only these are accepted. */
export function issueIdToken(state: EmulatorState, job: Claims, audience?: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: Claims = {
    ...job,
    iss: 'https://token.actions.githubusercontent.com',
    aud: audience ?? job['repository_owner'] ?? '',
    jti: randomUUID(),
    iat: String(now),
    exp: String(now + 300),
  };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}.sig`;
  sts(state).tokens.set(token, claims);
  return token;
}

export const isStsRequest = (request: IncomingMessage, body: string) =>
  String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') &&
  /(^|&)Action=/.test(body);

const escapeXml = (text: string) =>
  text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

function xmlError(response: ServerResponse, status: number, code: string, message: string): void {
  response
    .writeHead(status, { 'content-type': 'text/xml' })
    .end(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
}

export function handleSts(
  state: EmulatorState,
  iam: Iam,
  body: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const params = new URLSearchParams(body);
  const registry = sts(state);
  const action = params.get('Action');
  if (action === 'GetCallerIdentity') {
    // Needs no permission (the STS reference): answers who signed the request.
    const key = accessKeyOf(request) ?? '';
    const session = iam.session(key);
    const arn = iam.callerArn(key, state.account);
    response
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AROA:${session?.sessionName ?? 'operator'}</UserId><Account>${iam.accountOf(key) ?? state.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    return;
  }
  if (action !== 'AssumeRoleWithWebIdentity') {
    return xmlError(response, 400, 'InvalidAction', `The emulator does not implement ${action}.`);
  }
  const roleArn = params.get('RoleArn') ?? '';
  const token = params.get('WebIdentityToken') ?? '';
  if (!/^arn:aws:iam::\d{12}:role\/.+/.test(roleArn)) {
    return xmlError(response, 400, 'ValidationError', 'RoleArn is not a valid role ARN.');
  }
  const claims = registry.tokens.get(token);
  if (!claims) {
    return xmlError(
      response,
      400,
      'InvalidIdentityToken',
      "Couldn't retrieve verification key from your identity provider.",
    );
  }
  if (Number(claims['exp']) * 1000 < Date.now()) {
    return xmlError(
      response,
      400,
      'ExpiredTokenException',
      'Token expired: current date/time is after the exp claim.',
    );
  }
  // STS answers an unknown role and a refused trust alike.
  const role = iam.directory.roles.get(roleArn);
  if (!role || !evaluateTrust(role.trust, iam.directory.oidcProviders, claims)) {
    registry.refused.push({ roleArn, sub: claims['sub'] ?? '', at: Date.now() });
    return xmlError(response, 403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
  }
  const session = (params.get('RoleSessionName') ?? 'session').slice(0, 64);
  const expires = Date.now() + registry.sessionSeconds * 1000;
  const accessKeyId = iam.startSession(roleArn, session, expires);
  registry.assumed.push({ roleArn, token, sub: claims['sub'] ?? '', at: Date.now() });
  response
    .writeHead(200, { 'content-type': 'text/xml' })
    .end(
      `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
        `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('hex')}</SecretAccessKey>` +
        `<SessionToken>${randomBytes(32).toString('base64')}</SessionToken><Expiration>${new Date(expires).toISOString()}</Expiration></Credentials>` +
        `<SubjectFromWebIdentityToken>${escapeXml(claims['sub'] ?? '')}</SubjectFromWebIdentityToken>` +
        `<AssumedRoleUser><Arn>${assumedRoleArn(roleArn, session)}</Arn><AssumedRoleId>AROA:${session}</AssumedRoleId></AssumedRoleUser>` +
        `<Audience>${escapeXml(claims['aud'] ?? '')}</Audience></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
    );
}

/**
 * For a JSON-protocol request: ExpiredTokenException when it is signed with an STS session key
 * past its expiry (or one STS never issued); false when it may go on.
 */
export function rejectExpired(
  state: EmulatorState,
  iam: Iam,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  const key = accessKeyOf(request);
  if (!key?.startsWith('ASIA')) return false;
  const expires = iam.session(key)?.expires;
  if (expires !== undefined && Date.now() < expires) return false;
  sts(state).expiredRequests++;
  const type = expires === undefined ? 'UnrecognizedClientException' : 'ExpiredTokenException';
  const text = JSON.stringify({
    __type: type,
    message:
      expires === undefined
        ? 'The security token included in the request is invalid.'
        : 'The security token included in the request is expired',
  });
  response
    .writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type })
    .end(text);
  return true;
}
