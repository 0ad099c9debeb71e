import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clusterOperations, createCluster } from './ecs/clusters.ts';
import { registerTaskDefinition, taskDefinitionOperations } from './ecs/task-definitions.ts';
import { exitTask, taskOperations } from './ecs/tasks.ts';
import { tagOperations } from './ecs/tags.ts';
import {
  createService,
  listServiceRecords,
  setCircuitBreakerThreshold,
  serviceOperations,
  type CreateServiceOptions,
  type ServiceRecord,
} from './ecs/services.ts';
import {
  listServiceDeploymentRecords,
  serviceDeploymentOperations,
  enableServiceDeployments,
  setDeploymentTiming,
  type DeploymentTiming,
  type ServiceDeploymentRecord,
} from './ecs/service-deployments.ts';
import { EcrRegistry, type ScriptedScan } from './ecr.ts';
import { SecretsRegistry } from './secretsmanager.ts';
import { AttestationStore, type Attestation } from './attestations.ts';
import { AccountRecords, handleIam, handleRest, isIamRequest, isRestRequest, xmlError } from './account.ts';
import { appendLogEvents, logsOperations } from './logs.ts';
import { ECS_RATE_LIMITS, RateLimiter } from './rate-limits.ts';
import { handleSts, issueIdToken, isStsRequest, oidcToken, registerJob, rejectExpired, sts } from './sts.ts';
import { accessKeyOf, assumedRoleArn, Iam, OPERATOR_KEY } from './iam/index.ts';
import { jobClaims, type Claims } from './iam/trust.ts';
import type { AuthRequest } from './iam/evaluate.ts';
import {
  Dispatcher,
  TARGET_PREFIXES,
  type Call,
  type FaultSettings,
  type FaultWindow,
  type OutageError,
  type ServiceName,
} from './protocol.ts';
import { EmulatorState, type Json, type TaskBehavior, type TaskRecord, type Timing } from './state.ts';

/**
 * An AWS emulator for tests and the demo: ECS and CloudWatch Logs over the JSON 1.1 protocol on
 * 127.0.0.1 (a random port), so the real SDK clients talk to it through AWS_ENDPOINT_URL_ECS and
 * AWS_ENDPOINT_URL_CLOUDWATCH_LOGS. Tests seed and inspect it with the methods here, in process,
 * or over HTTP with `POST /_control/<method>` and a JSON array of arguments.
 */
export class Emulator {
  readonly state: EmulatorState;
  /** ECR images and their scripted scans: `emulator.ecr.pushImage(repo, digest, scan)`. */
  readonly ecr: EcrRegistry;
  /** Buckets, hosted zones and certificates bootstrap and shared leave (what doctor reads). */
  readonly account = new AccountRecords();
  /** Secrets Manager: secrets Terraform makes empty, values create-database puts and reads. */
  readonly secrets = new SecretsRegistry();
  /** IAM as the Terraform roots render it: every call signed by a role is judged (iam/). */
  readonly iam: Iam;
  private readonly dispatcher: Dispatcher;
  /** The emulator whose server this account's calls arrive at (itself unless `inAccount` made it). */
  private readonly home: Emulator;
  /** The other accounts, each with its own resources (IAM, STS and the OIDC issuer are shared). */
  private readonly others = new Map<string, Emulator>();
  private server?: Server;
  private ownUrl = '';

  constructor(options: { account?: string; home?: Emulator } = {}) {
    this.state = new EmulatorState(options.account);
    this.ecr = new EcrRegistry(this.state.account);
    this.home = options.home ?? this;
    this.iam = options.home?.iam ?? new Iam();
    this.dispatcher = new Dispatcher(this.state, this.iam, this.secrets, {
      ecs: {
        ...clusterOperations,
        ...taskDefinitionOperations,
        ...taskOperations,
        ...serviceOperations,
        ...serviceDeploymentOperations,
        ...tagOperations,
      },
      logs: logsOperations,
      ecr: this.ecr.operations(),
      secretsmanager: this.secrets.operations(),
      acm: this.account.acmOperations(),
    });
  }

  get url(): string {
    return this.home === this ? this.ownUrl : this.home.url;
  }

  /**
   * The emulator as account `id` holds it (made on first use): its own clusters, task
   * definitions, logs, images, secrets and buckets, served on the same endpoint. A call is
   * answered from the account of whoever signed it, as in AWS; ECR's `registryId` names another
   * account's registry, judged by that repository's policy (cross-account: both must allow).
   */
  inAccount(id: string): Emulator {
    const home = this.home;
    if (id === home.state.account) return home;
    let other = home.others.get(id);
    if (!other) {
      other = new Emulator({ account: id, home });
      home.others.set(id, other);
    }
    return other;
  }

  /** The account a JSON call is for: the signer's, or the registry's an ECR call names. */
  private partitionFor(signer: Emulator, body: string, target: string): Emulator {
    if (!target.startsWith(`${TARGET_PREFIXES.ecr}.`)) return signer;
    try {
      const registry = (JSON.parse(body || '{}') as Json)['registryId'];
      return typeof registry === 'string' && /^\d{12}$/.test(registry) ? this.inAccount(registry) : signer;
    } catch {
      return signer;
    }
  }

  /** S3's namespace is global: a bucket's calls go to the account that owns it. */
  private bucketOwner(request: IncomingMessage): Emulator | undefined {
    const bucket = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.split('/')[1] ?? '');
    return [this, ...this.others.values()].find((e) => e.account.buckets.has(bucket));
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const accessKey = accessKeyOf(request);
        const signer = this.inAccount(this.iam.accountOf(accessKey ?? '') ?? this.state.account);
        const handled = request.url?.startsWith('/_control/')
          ? this.routeControl(request.url.slice('/_control/'.length), body, response)
          : request.url?.startsWith('/_oidc/')
            ? Promise.resolve(oidcToken(this.state, request, response))
            : isStsRequest(request, body) && isIamRequest(new URLSearchParams(body))
              ? Promise.resolve(
                  handleIam(signer.state, this.iam, new URLSearchParams(body), request, response),
                )
              : isStsRequest(request, body)
                ? Promise.resolve(handleSts(this.state, this.iam, body, request, response))
                : rejectExpired(this.state, this.iam, request, response)
                  ? Promise.resolve()
                  : isRestRequest(request)
                    ? Promise.resolve(this.rest(signer, request, response, body))
                    : this.partitionFor(
                        signer,
                        body,
                        String(request.headers['x-amz-target'] ?? ''),
                      ).dispatcher.handle(request, response, body);
        handled.catch((error: unknown) => {
          response.writeHead(500).end(String(error));
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.ownUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** S3 in the bucket owner's account; no bucket policy grants another account, so S3 refuses it. */
  private rest(signer: Emulator, request: IncomingMessage, response: ServerResponse, body: string): void {
    const owner = this.bucketOwner(request) ?? signer;
    if (owner !== signer && /\bs3\//.test(String(request.headers.authorization ?? ''))) {
      const caller = this.iam.callerArn(accessKeyOf(request) ?? '', signer.state.account);
      return xmlError(
        response,
        403,
        'AccessDenied',
        `User: ${caller} is not authorized to perform this operation on a bucket of account ${owner.state.account} because no resource-based policy allows it`,
        's3',
      );
    }
    handleRest(owner.state, this.iam, owner.account, request, response, body);
  }

  async stop(): Promise<void> {
    for (const other of this.others.values()) other.state.shutdown();
    this.state.shutdown();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** An SDK client's config for this emulator, signed as `env` signs (same `role` rule). */
  clientConfig(options: { role?: string | null } = {}) {
    const env = this.env(options);
    return {
      region: this.state.region,
      endpoint: this.url,
      credentials: { accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: env['AWS_SECRET_ACCESS_KEY']! },
    };
  }

  /**
   * Environment for a process whose SDK clients talk to this emulator, signed as a session of
   * `role` (default: the preview role, github-actions-preview): every call it makes is judged by
   * that role's policies. `role: null` signs as the operator, whom nothing is denied: for tests
   * that seed or inspect, never for what stands for a workflow.
   */
  env(options: { role?: string | null } = {}): Record<string, string> {
    const role = options.role === undefined ? 'github-actions-preview' : options.role;
    const key =
      role === null
        ? this.state.account === this.home.state.account
          ? OPERATOR_KEY
          : `${OPERATOR_KEY}${this.state.account}`
        : this.iam.startSession(
            this.iam.directory.roleArn(role, this.state.account),
            'test',
            undefined,
            'AKIA',
          );
    return {
      AWS_ENDPOINT_URL_ECS: this.url,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: this.url,
      AWS_ENDPOINT_URL_ECR: this.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.url,
      AWS_ENDPOINT_URL_IAM: this.url,
      AWS_ENDPOINT_URL_S3: this.url,
      AWS_ENDPOINT_URL_ROUTE_53: this.url,
      AWS_ENDPOINT_URL_ACM: this.url,
      AWS_REGION: this.state.region,
      AWS_ACCESS_KEY_ID: key,
      AWS_SECRET_ACCESS_KEY: 'emulator-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_STS: this.url,
    };
  }

  /**
   * What the runner gives a job with `id-token: write`: where @actions/core gets an OIDC token,
   * whose claims are the job's (default: a pull-request job of acme/webapp).
   */
  oidcEnv(
    claims: Claims = jobClaims({
      repository: 'acme/webapp',
      eventName: 'pull_request',
      ref: 'refs/pull/1/merge',
    }),
  ): Record<string, string> {
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${this.url}/_oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: registerJob(this.home.state, claims),
    };
  }

  /** STS sessions last `seconds` (AWS: 3600 for an OIDC role); session keys past it are refused. */
  setSessionSeconds(seconds: number): void {
    sts(this.home.state).sessionSeconds = seconds;
  }

  /** The stand-in's record: OIDC tokens issued, roles assumed, requests refused as expired. */
  stsRecord(): {
    tokens: number;
    assumed: { roleArn: string; sub: string; at: number }[];
    refused: { roleArn: string; sub: string; at: number }[];
    expiredRequests: number;
  } {
    const record = sts(this.home.state);
    return {
      tokens: record.tokens.size,
      assumed: record.assumed.map(({ roleArn, sub, at }) => ({ roleArn, sub, at })),
      refused: [...record.refused],
      expiredRequests: record.expiredRequests,
    };
  }

  // --- control API -------------------------------------------------------------------------

  createCluster(name: string, capacityProviders?: string[]): Json {
    return { ...createCluster(this.state, name, capacityProviders) };
  }

  /**
   * A revision as Terraform's apply registers it: by default signed by the account's preview
   * role, the role that applies ad hoc environments and that `env()` hands the actions (in a
   * production account of its own, its production role; `registeredBy` to say another
   * principal, e.g. another tier's role forging a revision).
   */
  registerTaskDefinition(
    definition: Json,
    tags: { key: string; value: string }[] = [],
    registeredBy = assumedRoleArn(this.applyingRole(), 'terraform'),
  ): Json {
    return registerTaskDefinition(this.state, { ...definition, tags }, registeredBy).definition;
  }

  private applyingRole(): string {
    const { directory } = this.iam;
    const arn =
      directory.findRoleArn('github-actions-preview', this.state.account) ??
      directory.findRoleArn('github-actions-production', this.state.account);
    if (!arn) throw new Error(`no rendered role applies Terraform in account ${this.state.account}`);
    return arn;
  }

  /** How tasks of a family (`web`) or one revision (`web:3`) start, log and exit. */
  setTaskBehavior(taskDefinition: string, behavior: TaskBehavior): void {
    this.state.taskBehaviors.set(taskDefinition, behavior);
  }

  /** An ECR image whose scan runs as scripted (also over `/_control/pushImage`). */
  pushImage(repository: string, digest: string, scan?: ScriptedScan, tags?: string[]): void {
    this.ecr.pushImage(repository, digest, scan, tags);
  }

  setTiming(timing: Partial<Timing>): void {
    this.state.timing = { ...this.state.timing, ...timing };
  }

  /** The next RunTask call returns no task and this failure, e.g. `RESOURCE:MEMORY`. */
  failNextRunTask(reason: string): void {
    this.state.runTaskFailures.push(reason);
  }

  appendLogEvents(group: string, stream: string, messages: string[]): void {
    appendLogEvents(this.state, group, stream, messages);
  }

  /** A service on `taskDefinition` whose tasks start on the scheduler's timeline (steady once they run). */
  createService(
    cluster: string,
    name: string,
    taskDefinition: string,
    options?: CreateServiceOptions,
  ): ServiceRecord {
    return createService(this.state, cluster, name, taskDefinition, options);
  }

  /** From now on the circuit breaker of `service` trips at `failed` failed tasks. */
  setCircuitBreakerThreshold(service: string, failed: number): void {
    const record = listServiceRecords(this.state).find((s) => s.serviceName === service);
    if (!record) throw new Error(`no service ${service}`);
    setCircuitBreakerThreshold(this.state, record, failed);
  }

  /** The live service records (what DescribeServices answers from). */
  services(): ServiceRecord[] {
    return listServiceRecords(this.state);
  }

  /** Service deployments, oldest first (what DescribeServiceDeployments answers from). */
  serviceDeployments(): ServiceDeploymentRecord[] {
    return listServiceDeploymentRecords(this.state);
  }

  /** How long a "minute" of bake time or hook timeout lasts, and a traffic stage without one. */
  setDeploymentTiming(timing: Partial<DeploymentTiming>): void {
    setDeploymentTiming(this.state, timing);
  }

  /** Off: no service deployments are recorded, as in ECS before late 2024 (for before/after measures). */
  enableServiceDeployments(enabled: boolean): void {
    enableServiceDeployments(this.state, enabled);
  }

  /** The task's container exits with `exitCode` now: for tests that decide when a task ends. */
  exitTask(taskArn: string, exitCode = 0): void {
    const task =
      this.state.tasks.get(taskArn) ?? [...this.state.tasks.values()].find((t) => t.taskArn === taskArn);
    if (!task) throw new Error(`no task ${taskArn}`);
    exitTask(this.state, task, exitCode);
  }

  tasks(): TaskRecord[] {
    return [...this.state.tasks.values()];
  }

  /**
   * ECS's rate limits: a token bucket per group of actions for the account, refusing with
   * ThrottlingException as AWS does (default: the documented figures; null: unlimited).
   */
  setRateLimits(groups: ConstructorParameters<typeof RateLimiter>[0] | null = ECS_RATE_LIMITS): void {
    this.dispatcher.ecsLimits = groups ? new RateLimiter(groups) : undefined;
  }

  /** ECS calls refused by the rate limits, by action. */
  throttledCalls(): Record<string, number> {
    return Object.fromEntries(this.dispatcher.ecsLimits?.throttled ?? []);
  }

  setFaults(faults: FaultSettings, seed?: number): void {
    this.dispatcher.setFaults(faults, seed);
  }

  /**
   * An outage: every call of `operations` fails with `error` from `inMs` from now for `forMs`
   * (default error: ServiceUnavailableException, HTTP 503). Returns the window in epoch ms.
   */
  addOutage(options: {
    operations: string[];
    forMs: number;
    inMs?: number;
    error?: OutageError;
  }): FaultWindow {
    const from = Date.now() + (options.inMs ?? 0);
    const window: FaultWindow = {
      operations: options.operations,
      from,
      until: from + options.forMs,
      error: options.error ?? 'ServiceUnavailableException',
    };
    this.dispatcher.windows.push(window);
    return window;
  }

  /** Requests received (faulted ones included), optionally of one operation. */
  calls(operation?: string, service?: ServiceName): Call[] {
    return this.dispatcher.calls.filter(
      (call) => (!operation || call.operation === operation) && (!service || call.service === service),
    );
  }

  /** Calls `listener` after each successful call of `operation`; returns the unsubscribe. */
  onCall(operation: string, listener: (call: Call) => void): () => void {
    const entry = { operation, listener };
    this.dispatcher.listeners.push(entry);
    return () => this.dispatcher.listeners.splice(this.dispatcher.listeners.indexOf(entry), 1);
  }

  /** Number of requests received by operation. */
  callCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { operation } of this.dispatcher.calls) counts[operation] = (counts[operation] ?? 0) + 1;
    return counts;
  }

  resetCalls(): void {
    this.dispatcher.calls.length = 0;
  }

  /** A secret as Terraform makes one (`value` null or absent: none yet), with its tags. */
  createSecret(name: string, value?: string | null, tags: { Key: string; Value: string }[] = []): string {
    return this.secrets.create(this.state, name, tags, value ?? undefined).arn;
  }

  /**
   * For stand-ins that act on AWS outside the emulated APIs (an image push, a Terraform apply):
   * null when the signer of `accessKey` may make every request, else AWS's AccessDenied message.
   */
  authorize(accessKey: string, requests: AuthRequest[]): string | null {
    const denial = this.iam.authorize(accessKey, requests);
    return denial ? Iam.accessDenied(denial).message : null;
  }

  /** docker push of `repository:tag` at `digest`: null, or ECR's error (an immutable tag taken). */
  putImage(repository: string, digest: string, tag: string): string | null {
    try {
      this.ecr.putImage(repository, digest, tag);
      return null;
    } catch (error) {
      return `${(error as { type?: string }).type ?? 'Error'}: ${(error as Error).message}`;
    }
  }

  /** A job's OIDC request token (the rehearsal registers each job's claims over `/_control`). */
  private readonly attestationStore = new AttestationStore();

  /** An ID token with these claims, as a job's getIDToken(audience) would receive it. */
  idToken(claims: Claims, audience?: string): string {
    return issueIdToken(this.home.state, claims, audience);
  }

  /** An attestation of `digest` signed with `token`, which must be one this issuer gave out. */
  attest(subjectName: string, digest: string, token: string): number | { error: string } {
    const claims = sts(this.home.state).tokens.get(token);
    if (!claims) return { error: 'the signing token was not issued by the OIDC issuer' };
    return this.home.attestationStore.add({ subjectName, digest, claims });
  }

  attestations(digest: string): Attestation[] {
    return this.home.attestationStore.forDigest(digest);
  }

  registerJob(claims: Claims): string {
    return registerJob(this.home.state, claims);
  }

  private static readonly CONTROL = new Set([
    'registerJob',
    'attest',
    'attestations',
    'putImage',
    'authorize',
    'createSecret',
    'createCluster',
    'registerTaskDefinition',
    'setFaults',
    'addOutage',
    'callCounts',
    'resetCalls',
    'calls',
    'createService',
    'setDeploymentTiming',
    'pushImage',
  ]);

  /** `/_control/<method>?account=<id>` (or `?signer=<access key>`): that account's emulator answers. */
  private routeControl(path: string, body: string, response: ServerResponse): Promise<void> {
    const url = new URL(path, 'http://x');
    const signer = url.searchParams.get('signer');
    const account =
      url.searchParams.get('account') ??
      (signer ? this.iam.accountOf(signer) : undefined) ??
      this.state.account;
    return this.inAccount(account).control(url.pathname.slice(1), body, response);
  }

  private async control(method: string, body: string, response: ServerResponse): Promise<void> {
    if (!Emulator.CONTROL.has(method)) {
      response.writeHead(404).end(`unknown control method ${method}`);
      return;
    }
    const args = body === '' ? [] : (JSON.parse(body) as unknown[]);
    const result = await (this[method as keyof this] as (...a: unknown[]) => unknown).apply(this, args);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? null));
  }
}

/** Keys of the operator (seeding and inspecting in tests): the emulator judges no call signed with them. */
export const OPERATOR_CREDENTIALS = { accessKeyId: OPERATOR_KEY, secretAccessKey: 'emulator-secret' };

export async function startEmulator(port = 0): Promise<Emulator> {
  return new Emulator().start(port);
}
