import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from './errors.ts';
import type { EmulatorState, Json } from './state.ts';
import { accessKeyOf, Iam } from './iam/index.ts';
import { authorizationsFor } from './iam/requests.ts';
import type { SecretsRegistry } from './secretsmanager.ts';
import type { RateLimiter } from './rate-limits.ts';

/**
 * The AWS JSON 1.1 protocol: POST /, `X-Amz-Target: <prefix>.<Operation>`, a JSON body, and
 * errors as `{ "__type", "message" }` with a 4xx/5xx status.
 */

/** Who signed a request: the ARN GetCallerIdentity answers (ECS records it as registeredBy). */
export interface Caller {
  arn: string;
}

export type Handler = (state: EmulatorState, input: Json, caller: Caller) => Json | Promise<Json>;
export type Operations = Record<string, Handler>;

export const TARGET_PREFIXES = {
  ecs: 'AmazonEC2ContainerServiceV20141113',
  logs: 'Logs_20140328',
  ecr: 'AmazonEC2ContainerRegistry_V20150921',
  secretsmanager: 'secretsmanager',
  acm: 'CertificateManager',
} as const;
export type ServiceName = keyof typeof TARGET_PREFIXES;

export interface Call {
  service: ServiceName;
  operation: string;
  input: Json;
  /** Epoch milliseconds the request arrived. */
  at: number;
  /** The error type returned, if any (injected faults included). */
  error?: string;
  /** The role whose session signed it (undefined: the operator's keys). */
  roleArn?: string;
}

export interface FaultSettings {
  /** Share of calls answered with ThrottlingException, 0..1. */
  throttleRate?: number;
  /** Share of calls answered with a 5xx error, 0..1. */
  serverErrorRate?: number;
  /** Share of calls answered with AccessDeniedException (an error no retry fixes), 0..1. */
  accessDeniedRate?: number;
  /** Only these operations get faults (all when unset). */
  operations?: string[];
}

/**
 * What an outage answers: AWS's own error shapes, a connection dropped without an answer, or
 * no answer at all (`hang`: the connection is held open and dropped when the window ends).
 */
export type OutageError =
  'ServiceUnavailableException' | 'ServerException' | 'ThrottlingException' | 'connection-reset' | 'hang';

/** Every call of `operations` fails with `error` from `from` until `until` (epoch ms). */
export interface FaultWindow {
  operations: string[];
  from: number;
  until: number;
  error: OutageError;
}

/** HTTP status and message of each outage error, as the service sends them. */
const OUTAGE_ERRORS: Record<Exclude<OutageError, 'connection-reset' | 'hang'>, [number, string]> = {
  ServiceUnavailableException: [503, 'The service is unavailable. Please try again later.'],
  ServerException: [500, 'Service encountered an internal error.'],
  ThrottlingException: [400, 'Rate exceeded'],
};

/** A small seeded PRNG (mulberry32) so fault injection is repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs after a call of its operation succeeded, before the answer is sent. */
export type CallListener = (call: Call) => void;

export class Dispatcher {
  readonly calls: Call[] = [];
  /** What tests do at an event of the run (say, right after UpdateService), not at a time. */
  readonly listeners: { operation: string; listener: CallListener }[] = [];
  faults: FaultSettings = {};
  /** ECS's token buckets for this account (undefined: unlimited; Emulator.setRateLimits). */
  ecsLimits: RateLimiter | undefined;
  /** Time-windowed outages, on top of the probabilistic faults. */
  readonly windows: FaultWindow[] = [];
  private random = seededRandom(42);

  private readonly state: EmulatorState;
  private readonly iam: Iam;
  private readonly operations: Record<ServiceName, Operations>;

  private readonly secrets: SecretsRegistry;

  constructor(
    state: EmulatorState,
    iam: Iam,
    secrets: SecretsRegistry,
    operations: Record<ServiceName, Operations>,
  ) {
    this.state = state;
    this.iam = iam;
    this.secrets = secrets;
    this.operations = operations;
  }

  setFaults(faults: FaultSettings, seed = 42): void {
    this.faults = faults;
    this.random = seededRandom(seed);
  }

  async handle(request: IncomingMessage, response: ServerResponse, body: string): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    const [prefix, operation = ''] = target.split('.');
    const service = (Object.keys(TARGET_PREFIXES) as ServiceName[]).find(
      (s) => TARGET_PREFIXES[s] === prefix,
    );
    if (!service)
      return send(response, new AwsError('UnknownOperationException', `Unknown target ${target}`));

    let input: Json;
    try {
      input = body === '' ? {} : (JSON.parse(body) as Json);
    } catch {
      return send(response, new AwsError('SerializationException', 'Request body is not JSON.'));
    }
    const accessKey = accessKeyOf(request);
    const call: Call = {
      service,
      operation,
      input,
      at: Date.now(),
      roleArn: this.iam.session(accessKey ?? '')?.roleArn,
    };
    this.calls.push(call);
    const window = this.windows.find(
      (w) => w.operations.includes(operation) && call.at >= w.from && call.at < w.until,
    );
    if (window?.error === 'connection-reset') {
      call.error = window.error;
      request.socket.destroy();
      return;
    }
    if (window?.error === 'hang') {
      call.error = window.error;
      this.state.schedule(window.until - Date.now(), () => request.socket.destroy());
      return;
    }
    try {
      if (window) {
        const [status, message] = OUTAGE_ERRORS[window.error];
        throw new AwsError(window.error, message, status);
      }
      const fault = this.injectedFault(operation);
      if (fault) throw fault;
      if (service === 'ecs') this.ecsLimits?.take(operation, call.at);
      const handler = this.operations[service][operation];
      if (!handler)
        throw new AwsError('UnknownOperationException', `The emulator does not implement ${operation}.`);
      // IAM, as AWS: the caller's policies decide before the service looks at the request.
      const denial = this.iam.authorize(
        accessKey,
        authorizationsFor(this.state, service, operation, input, this.secrets),
      );
      if (denial) throw Iam.accessDenied(denial);
      const result = await handler(this.state, input, {
        arn: this.iam.callerArn(accessKey ?? '', this.state.account),
      });
      for (const { operation: wanted, listener } of this.listeners) if (wanted === operation) listener(call);
      send(response, result);
    } catch (error) {
      const awsError =
        error instanceof AwsError ? error : new AwsError('ServerException', (error as Error).message, 500);
      call.error = awsError.type;
      if (awsError.status >= 500 && !(error instanceof AwsError)) console.error(error);
      send(response, awsError);
    }
  }

  private injectedFault(operation: string): AwsError | undefined {
    const { throttleRate = 0, serverErrorRate = 0, accessDeniedRate = 0, operations } = this.faults;
    if (operations && !operations.includes(operation)) return undefined;
    const roll = this.random();
    if (roll < accessDeniedRate) {
      return new AwsError('AccessDeniedException', `User is not authorized to perform: ${operation}`);
    }
    if (roll < throttleRate) return new AwsError('ThrottlingException', 'Rate exceeded');
    if (roll < throttleRate + serverErrorRate) {
      return new AwsError('ServiceUnavailableException', 'Service unavailable, try again.', 503);
    }
    return undefined;
  }
}

function send(response: ServerResponse, result: Json | AwsError): void {
  const error = result instanceof AwsError ? result : undefined;
  const payload = error ? { __type: error.type, message: error.message } : result;
  const text = JSON.stringify(payload);
  response.writeHead(error ? error.status : 200, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
    ...(error && { 'x-amzn-errortype': error.type }),
  });
  response.end(text);
}
