import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorState } from './state.ts';

/**
 * A stand-in for GitHub's OIDC token endpoint and STS AssumeRoleWithWebIdentity (query
 * protocol, XML answers), and the check that makes session expiry real: a request signed with
 * an emulator-issued session key past its expiration gets ExpiredTokenException, as from AWS.
 */

interface Sts {
  /** OIDC tokens handed out, in order; only these are accepted as web identity tokens. */
  tokens: string[];
  /** Session access key → expiry, epoch ms. */
  sessions: Map<string, number>;
  /** How long an issued session lasts; AWS's default for OIDC roles is 3600 s. */
  sessionSeconds: number;
  assumed: { roleArn: string; token: string; at: number }[];
  /** Requests refused because their session had expired. */
  expiredRequests: number;
}

const registries = new WeakMap<EmulatorState, Sts>();

export function sts(state: EmulatorState): Sts {
  let found = registries.get(state);
  if (!found) {
    found = { tokens: [], sessions: new Map(), sessionSeconds: 3600, assumed: [], expiredRequests: 0 };
    registries.set(state, found);
  }
  return found;
}

/** GET /_oidc/token?audience=…: what @actions/core's getIDToken reads (`{ value }`). */
export function oidcToken(state: EmulatorState, request: IncomingMessage, response: ServerResponse): void {
  if (request.headers.authorization !== 'Bearer emulator-request-token') {
    response.writeHead(401).end('bad request token');
    return;
  }
  const audience = new URL(request.url ?? '', 'http://x').searchParams.get('audience');
  const token = `eyJ.${Buffer.from(JSON.stringify({ aud: audience, jti: randomUUID() })).toString('base64url')}.sig`;
  sts(state).tokens.push(token);
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: token }));
}

export const isStsRequest = (request: IncomingMessage, body: string) =>
  String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') &&
  /(^|&)Action=/.test(body);

function xmlError(response: ServerResponse, status: number, code: string, message: string): void {
  response
    .writeHead(status, { 'content-type': 'text/xml' })
    .end(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
}

export function handleSts(state: EmulatorState, body: string, response: ServerResponse): void {
  const params = new URLSearchParams(body);
  const registry = sts(state);
  if (params.get('Action') !== 'AssumeRoleWithWebIdentity') {
    return xmlError(
      response,
      400,
      'InvalidAction',
      `The emulator does not implement ${params.get('Action')}.`,
    );
  }
  const roleArn = params.get('RoleArn') ?? '';
  const token = params.get('WebIdentityToken') ?? '';
  if (!/^arn:aws:iam::\d{12}:role\/.+/.test(roleArn)) {
    return xmlError(response, 400, 'ValidationError', 'RoleArn is not a valid role ARN.');
  }
  if (!registry.tokens.includes(token)) {
    return xmlError(
      response,
      400,
      'InvalidIdentityToken',
      "Couldn't retrieve verification key from your identity provider.",
    );
  }
  const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const expires = Date.now() + registry.sessionSeconds * 1000;
  registry.sessions.set(accessKeyId, expires);
  registry.assumed.push({ roleArn, token, at: Date.now() });
  const session = params.get('RoleSessionName') ?? 'session';
  response
    .writeHead(200, { 'content-type': 'text/xml' })
    .end(
      `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
        `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('hex')}</SecretAccessKey>` +
        `<SessionToken>${randomBytes(32).toString('base64')}</SessionToken><Expiration>${new Date(expires).toISOString()}</Expiration></Credentials>` +
        `<SubjectFromWebIdentityToken>repo:org/app:ref:refs/heads/main</SubjectFromWebIdentityToken>` +
        `<AssumedRoleUser><Arn>${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${session}</Arn><AssumedRoleId>AROA:${session}</AssumedRoleId></AssumedRoleUser>` +
        `<Audience>sts.amazonaws.com</Audience></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
    );
}

/**
 * For a JSON-protocol request: ExpiredTokenException when it is signed with a session key past
 * its expiry (or one STS never issued); undefined when it may go on.
 */
export function rejectExpired(
  state: EmulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  const key = /Credential=([A-Z0-9]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
  if (!key?.startsWith('ASIA')) return false;
  const expires = sts(state).sessions.get(key);
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
