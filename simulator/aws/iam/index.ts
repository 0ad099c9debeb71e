import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AwsError } from '../errors.ts';
import { IamDirectory } from './directory.ts';
import {
  accessDeniedMessage,
  evaluate,
  type AuthRequest,
  type Evaluation,
  type Principal,
} from './evaluate.ts';

export { IamDirectory } from './directory.ts';

/** The access key a SigV4-signed request names (its Authorization header's Credential). */
export const accessKeyOf = (request: IncomingMessage): string | undefined =>
  /Credential=([A-Z0-9]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];

/** The operator's keys: what a test uses to seed and inspect, never what a workflow gets. */
export const OPERATOR_KEY = 'AKIAEMULATOR';

/** The ARN STS names a role session by (no role path, as AWS writes it). */
export function assumedRoleArn(roleArn: string, session: string): string {
  return `${roleArn.replace(':iam::', ':sts::').replace(/:role\/(?:.*\/)?([^/]+)$/, ':assumed-role/$1')}/${session}`;
}

interface Session {
  roleArn: string;
  sessionName: string;
  /** Epoch ms; undefined for the long-lived keys tests are handed (`Emulator.env`). */
  expires?: number;
}

export interface Denial {
  request: AuthRequest;
  evaluation: Evaluation;
  principal: string;
}

/**
 * Who signed a request and what they may do: sessions of roles (from STS, or the long-lived keys
 * a test asks for) judged by the directory's policies. Every call signed with a role's keys is
 * authorized before it runs; a denied one answers AccessDeniedException as AWS words it.
 */
export class Iam {
  readonly sessions = new Map<string, Session>();
  /** Every authorization asked, with its decision, in order (what `calls by role` reads). */
  readonly decisions: { roleArn: string; request: AuthRequest; decision: Evaluation['decision'] }[] = [];

  readonly directory: IamDirectory;

  constructor(directory: IamDirectory = IamDirectory.fromRendered()) {
    this.directory = directory;
  }

  /** A session of `roleArn`; its access key signs the requests that act as the role. */
  startSession(roleArn: string, sessionName: string, expires?: number, prefix = 'ASIA'): string {
    const key = `${prefix}${randomBytes(8).toString('hex').toUpperCase()}`;
    this.sessions.set(key, { roleArn, sessionName, expires });
    return key;
  }

  session(accessKey: string): Session | undefined {
    return this.sessions.get(accessKey);
  }

  /**
   * The account `accessKey` acts in: its role's, or the one an operator key names
   * (`AKIAEMULATOR<account>`; the bare key is the emulator's first account: undefined).
   */
  accountOf(accessKey: string): string | undefined {
    const session = this.sessions.get(accessKey);
    if (session) return session.roleArn.split(':')[4];
    return accessKey.startsWith(OPERATOR_KEY) && accessKey.length > OPERATOR_KEY.length
      ? accessKey.slice(OPERATOR_KEY.length)
      : undefined;
  }

  /** Who signed with `accessKey`, as GetCallerIdentity and ECS's registeredBy name it. */
  callerArn(accessKey: string, account: string): string {
    const session = this.sessions.get(accessKey);
    return session
      ? assumedRoleArn(session.roleArn, session.sessionName)
      : `arn:aws:iam::${this.accountOf(accessKey) ?? account}:user/operator`;
  }

  principal(accessKey: string): Principal | undefined {
    const session = this.sessions.get(accessKey);
    return session && this.directory.principal(session.roleArn, session.sessionName);
  }

  /**
   * undefined when every request is allowed (or the caller is the operator); otherwise the
   * first denial. A key that is neither a session nor the operator's is refused as AWS refuses
   * an unknown key.
   */
  authorize(accessKey: string | undefined, requests: AuthRequest[]): Denial | undefined {
    if (accessKey?.startsWith(OPERATOR_KEY)) return undefined;
    const session = accessKey ? this.sessions.get(accessKey) : undefined;
    const principal = session && this.directory.principal(session.roleArn, session.sessionName);
    if (!session || !principal) {
      throw new AwsError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    }
    for (const asked of requests) {
      // Every request reaches AWS over TLS: the emulator stands for its https endpoints.
      const request = { ...asked, context: { 'aws:SecureTransport': true, ...asked.context } };
      const evaluation = evaluate(principal, request, this.directory.resourcePolicy(request.resource));
      this.decisions.push({ roleArn: session.roleArn, request: asked, decision: evaluation.decision });
      if (evaluation.decision !== 'allowed') return { request: asked, evaluation, principal: principal.arn };
    }
    return undefined;
  }

  /** The error AWS answers a denial with (JSON protocols: AccessDeniedException, 400). */
  static accessDenied(denial: Denial): AwsError {
    return new AwsError(
      'AccessDeniedException',
      accessDeniedMessage(denial.principal, denial.request, denial.evaluation),
    );
  }
}
