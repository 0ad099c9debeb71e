import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessKeyOf, Iam } from './iam/index.ts';
import { evaluate, type AuthRequest } from './iam/evaluate.ts';
import { AwsError } from './errors.ts';
import type { Operations } from './protocol.ts';
import type { EmulatorState, Json } from './state.ts';

/**
 * What an account holds once bootstrap and shared are applied, as far as a preflight reads it:
 * IAM (roles, the OIDC provider, SimulatePrincipalPolicy answered by the emulator's own
 * evaluator), S3 buckets (HeadBucket, GetBucketVersioning) and their objects (PutObject,
 * GetObject: the failure reports a protected deploy keeps), Route 53 hosted zones
 * (GetHostedZone) and ACM certificates (ListCertificates). Each call is authorized like the rest.
 */
export class AccountRecords {
  readonly buckets = new Map<string, { versioning: 'Enabled' | 'Suspended' | '' }>();
  /** `<bucket>/<key>` → the object's body and content type. */
  readonly objects = new Map<string, { body: string; contentType?: string }>();
  readonly zones = new Map<string, { name: string }>();
  readonly certificates: { arn: string; domain: string; status: string; names: string[] }[] = [];

  addCertificate(state: EmulatorState, domain: string, status = 'ISSUED'): string {
    const arn = state.arn('acm', `certificate/${randomUUID()}`);
    this.certificates.push({ arn, domain, status, names: [domain] });
    return arn;
  }

  acmOperations(): Operations {
    return {
      ListCertificates: () => ({
        CertificateSummaryList: this.certificates.map((c) => ({
          CertificateArn: c.arn,
          DomainName: c.domain,
          SubjectAlternativeNameSummaries: c.names,
          Status: c.status,
        })),
      }),
      DescribeCertificate: (_state, input) => {
        const c = this.certificates.find((x) => x.arn === input['CertificateArn']);
        if (!c)
          throw new AwsError(
            'ResourceNotFoundException',
            `Could not find certificate ${String(input['CertificateArn'])}.`,
          );
        return {
          Certificate: {
            CertificateArn: c.arn,
            DomainName: c.domain,
            Status: c.status,
            SubjectAlternativeNames: c.names,
          },
        };
      },
    } satisfies Record<string, (state: EmulatorState, input: Json) => Json>;
  }
}

const xml = (response: ServerResponse, status: number, body: string): void => {
  response.writeHead(status, { 'content-type': 'text/xml' }).end(body);
};

export function xmlError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  service = 'iam',
): void {
  const ns = service === 'iam' ? 'https://iam.amazonaws.com/doc/2010-05-08/' : '';
  xml(
    response,
    status,
    `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/** Refuses with AWS's IAM/S3/Route 53 AccessDenied answer when the signer may not; true when refused. */
function denied(
  iam: Iam,
  request: IncomingMessage,
  response: ServerResponse,
  requests: AuthRequest[],
): boolean {
  const denial = iam.authorize(accessKeyOf(request), requests);
  if (!denial) return false;
  xmlError(response, 403, 'AccessDenied', Iam.accessDenied(denial).message);
  return true;
}

const IAM_ACTIONS = new Set(['GetRole', 'GetOpenIDConnectProvider', 'SimulatePrincipalPolicy']);
export const isIamRequest = (params: URLSearchParams) => IAM_ACTIONS.has(params.get('Action') ?? '');

/** IAM's query protocol: the three reads a preflight makes. */
export function handleIam(
  state: EmulatorState,
  iam: Iam,
  params: URLSearchParams,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const action = params.get('Action')!;
  const account = state.account;
  const requestId = `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
  if (action === 'GetRole') {
    const name = params.get('RoleName') ?? '';
    const roleArn = [...iam.directory.roles.keys()].find(
      (arn) => arn.startsWith(`arn:aws:iam::${account}:`) && arn.endsWith(`/${name}`),
    );
    if (
      denied(iam, request, response, [
        { action: 'iam:GetRole', resource: roleArn ?? `arn:aws:iam::${account}:role/${name}` },
      ])
    )
      return;
    const role = roleArn ? iam.directory.roles.get(roleArn) : undefined;
    if (!role || !roleArn)
      return xmlError(response, 404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);
    return xml(
      response,
      200,
      `<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><Path>${role.path}</Path><RoleName>${role.name}</RoleName><Arn>${roleArn}</Arn><AssumeRolePolicyDocument>${encodeURIComponent(JSON.stringify(role.trust))}</AssumeRolePolicyDocument>${role.boundary ? `<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>${role.boundary}</PermissionsBoundaryArn></PermissionsBoundary>` : ''}</Role></GetRoleResult>${requestId}</GetRoleResponse>`,
    );
  }
  if (action === 'GetOpenIDConnectProvider') {
    const arn = params.get('OpenIDConnectProviderArn') ?? '';
    if (denied(iam, request, response, [{ action: 'iam:GetOpenIDConnectProvider', resource: arn }])) return;
    if (!iam.directory.oidcProviders.has(arn))
      return xmlError(response, 404, 'NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`);
    return xml(
      response,
      200,
      `<GetOpenIDConnectProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetOpenIDConnectProviderResult><Url>token.actions.githubusercontent.com</Url><ClientIDList><member>sts.amazonaws.com</member></ClientIDList></GetOpenIDConnectProviderResult>${requestId}</GetOpenIDConnectProviderResponse>`,
    );
  }
  // SimulatePrincipalPolicy: every action on every resource, with the context given.
  const source = params.get('PolicySourceArn') ?? '';
  if (denied(iam, request, response, [{ action: 'iam:SimulatePrincipalPolicy', resource: source }])) return;
  const principal = iam.directory.principal(source, 'simulation');
  if (!principal)
    return xmlError(response, 404, 'NoSuchEntity', `The role with ARN ${source} cannot be found.`);
  const members = (prefix: string) =>
    [...params.keys()]
      .filter((k) => new RegExp(`^${prefix}\\.member\\.\\d+$`).test(k))
      .map((k) => params.get(k)!);
  const actions = members('ActionNames');
  const resources = members('ResourceArns');
  const context: Record<string, string | string[]> = {};
  for (let i = 1; params.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
    const values = members(`ContextEntries\\.member\\.${i}\\.ContextKeyValues`);
    const type = params.get(`ContextEntries.member.${i}.ContextKeyType`) ?? 'string';
    context[params.get(`ContextEntries.member.${i}.ContextKeyName`)!] = type.endsWith('List')
      ? values
      : (values[0] ?? '');
  }
  const results = actions.flatMap((actionName) =>
    (resources.length ? resources : ['*']).map((resource) => {
      // As IAM's simulator given no ResourcePolicy: the identity policies and boundary alone,
      // wherever the resource is (another account's repository included).
      const evaluation = evaluate(
        { ...principal, account: undefined },
        { action: actionName, resource, context },
      );
      return `<member><EvalActionName>${actionName}</EvalActionName><EvalResourceName>${resource}</EvalResourceName><EvalDecision>${evaluation.decision}</EvalDecision><MatchedStatements>${evaluation.matched.map((m) => `<member><SourcePolicyId>${m.policy}</SourcePolicyId></member>`).join('')}</MatchedStatements></member>`;
    }),
  );
  return xml(
    response,
    200,
    `<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>${results.join('')}</EvaluationResults></SimulatePrincipalPolicyResult>${requestId}</SimulatePrincipalPolicyResponse>`,
  );
}

/** S3 (path style: bucket and object calls below) and Route 53 GetHostedZone, REST + XML. */
export function isRestRequest(request: IncomingMessage): boolean {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  return path.startsWith('/2013-04-01/') || /\bs3\//.test(String(request.headers.authorization ?? ''));
}

export function handleRest(
  state: EmulatorState,
  iam: Iam,
  records: AccountRecords,
  request: IncomingMessage,
  response: ServerResponse,
  body = '',
): void {
  const url = new URL(request.url ?? '/', 'http://x');
  const zone = /^\/2013-04-01\/hostedzone\/([^/]+)$/.exec(url.pathname)?.[1];
  if (zone !== undefined) {
    if (
      denied(iam, request, response, [
        { action: 'route53:GetHostedZone', resource: `arn:aws:route53:::hostedzone/${zone}` },
      ])
    )
      return;
    const found = records.zones.get(zone);
    if (!found)
      return xmlError(response, 404, 'NoSuchHostedZone', `No hosted zone found with ID: ${zone}`, 'route53');
    return xml(
      response,
      200,
      `<GetHostedZoneResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HostedZone><Id>/hostedzone/${zone}</Id><Name>${found.name}.</Name><CallerReference>x</CallerReference><Config><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone></GetHostedZoneResponse>`,
    );
  }
  const [, bucket = '', ...keyParts] = url.pathname.split('/');
  if (keyParts.length > 0 && keyParts.join('/') !== '')
    return handleObject(
      iam,
      records,
      request,
      response,
      bucket,
      decodeURIComponent(keyParts.join('/')),
      url.searchParams,
      body,
    );
  return handleBucket(state, iam, records, request, response, bucket, url.searchParams);
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A bucket call's subresource (its query parameter) names its IAM action. */
const BUCKET_SUBRESOURCES = [
  'versioning',
  'location',
  'versions',
  'uploads',
  'policy',
  'acl',
  'tagging',
] as const;
const BUCKET_ACTIONS: Record<string, string> = {
  'GET versioning': 's3:GetBucketVersioning',
  'PUT versioning': 's3:PutBucketVersioning',
  'GET location': 's3:GetBucketLocation',
  'GET versions': 's3:ListBucketVersions',
  'GET uploads': 's3:ListBucketMultipartUploads',
  'GET policy': 's3:GetBucketPolicy',
  'PUT policy': 's3:PutBucketPolicy',
  'DELETE policy': 's3:DeleteBucketPolicy',
  'GET acl': 's3:GetBucketAcl',
  'PUT acl': 's3:PutBucketAcl',
  'GET tagging': 's3:GetBucketTagging',
  'PUT tagging': 's3:PutBucketTagging',
};

/**
 * HeadBucket and ListObjectsV2 (s3:ListBucket, with s3:prefix when a prefix is given) and
 * GetBucketVersioning; the other subresources are judged, then answered 501.
 */
function handleBucket(
  state: EmulatorState,
  iam: Iam,
  records: AccountRecords,
  request: IncomingMessage,
  response: ServerResponse,
  bucket: string,
  params: URLSearchParams,
): void {
  const resource = `arn:aws:s3:::${bucket}`;
  const method = request.method ?? 'GET';
  const subresource = BUCKET_SUBRESOURCES.find((name) => params.has(name));
  const action = subresource
    ? BUCKET_ACTIONS[`${method} ${subresource}`]
    : { GET: 's3:ListBucket', HEAD: 's3:ListBucket' }[method];
  if (!action)
    return xmlError(
      response,
      501,
      'NotImplemented',
      'The emulator does not implement this bucket call',
      's3',
    );
  // The listings (ListObjectsV2, ListObjectVersions) carry their prefix as s3:prefix.
  const listing = (action === 's3:ListBucket' && method === 'GET') || action === 's3:ListBucketVersions';
  const prefix = listing ? params.get('prefix') : null;
  const request_: AuthRequest = {
    action,
    resource,
    ...(prefix !== null && { context: { 's3:prefix': prefix } }),
  };
  if (denied(iam, request, response, [request_])) return;
  const found = records.buckets.get(bucket);
  if (!found) {
    if (request.method === 'HEAD') return void response.writeHead(404).end();
    return xmlError(response, 404, 'NoSuchBucket', 'The specified bucket does not exist', 's3');
  }
  if (method === 'HEAD') return void response.writeHead(200, { 'x-amz-bucket-region': state.region }).end();
  // Judged as AWS judges them, answered only where the product needs the answer.
  if (subresource !== undefined && subresource !== 'versioning')
    return xmlError(response, 501, 'NotImplemented', `The emulator does not implement ?${subresource}`, 's3');
  if (subresource === 'versioning')
    return xml(
      response,
      200,
      `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${found.versioning ? `<Status>${found.versioning}</Status>` : ''}</VersioningConfiguration>`,
    );
  const keys = [...records.objects.keys()]
    .filter((path) => path.startsWith(`${bucket}/${prefix ?? ''}`))
    .map((path) => path.slice(bucket.length + 1))
    .sort();
  return xml(
    response,
    200,
    `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix ?? '')}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${keys.map((key) => `<Contents><Key>${escapeXml(key)}</Key></Contents>`).join('')}</ListBucketResult>`,
  );
}

const OBJECT_ACTIONS: Record<string, string> = {
  PUT: 's3:PutObject',
  GET: 's3:GetObject',
  HEAD: 's3:GetObject',
  DELETE: 's3:DeleteObject',
};
/** An object call's subresource names its own action (GetObjectTagging, PutObjectAcl …). */
const OBJECT_SUBRESOURCES: Record<string, string> = {
  tagging: 'Tagging',
  acl: 'Acl',
  attributes: 'Attributes',
};

/**
 * PutObject (If-None-Match: *, as AWS: 412 over an existing key; the header is the request's
 * s3:if-none-match), GetObject, HeadObject (s3:GetObject) and DeleteObject; with a versionId,
 * s3:GetObjectVersion or s3:DeleteObjectVersion; a subresource (tagging, acl, attributes) is
 * judged as its own action, then answered 501.
 */
function handleObject(
  iam: Iam,
  records: AccountRecords,
  request: IncomingMessage,
  response: ServerResponse,
  bucket: string,
  key: string,
  params: URLSearchParams,
  body: string,
): void {
  const method = request.method ?? 'GET';
  const version = params.get('versionId');
  const subresource = Object.keys(OBJECT_SUBRESOURCES).find((name) => params.has(name));
  const base = OBJECT_ACTIONS[method];
  if (!base || (version !== null && method === 'PUT'))
    return xmlError(response, 405, 'MethodNotAllowed', `${method} is not allowed on this object`, 's3');
  const action = subresource
    ? `${base.replace('Object', '')}Object${OBJECT_SUBRESOURCES[subresource]}`
    : version === null
      ? base
      : `${base}Version`;
  const ifNoneMatch = request.headers['if-none-match'];
  const authRequest: AuthRequest = {
    action,
    resource: `arn:aws:s3:::${bucket}/${key}`,
    ...(method === 'PUT' && ifNoneMatch !== undefined && { context: { 's3:if-none-match': ifNoneMatch } }),
  };
  if (denied(iam, request, response, [authRequest])) return;
  if (!records.buckets.has(bucket))
    return xmlError(response, 404, 'NoSuchBucket', 'The specified bucket does not exist', 's3');
  if (subresource)
    return xmlError(response, 501, 'NotImplemented', `The emulator does not implement ?${subresource}`, 's3');
  // S3 takes If-None-Match: * only (write only a key that does not exist).
  if (method === 'PUT' && ifNoneMatch !== undefined && ifNoneMatch !== '*')
    return xmlError(
      response,
      501,
      'NotImplemented',
      'A header you provided implies functionality that is not implemented',
      's3',
    );
  // No versions are kept here: a version asked for is never found.
  if (version !== null)
    return xmlError(response, 404, 'NoSuchVersion', 'The specified version does not exist.', 's3');
  const path = `${bucket}/${key}`;
  const found = records.objects.get(path);
  if (method === 'PUT') {
    if (found && ifNoneMatch === '*')
      return xmlError(
        response,
        412,
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        's3',
      );
    const contentType = request.headers['content-type'];
    records.objects.set(path, { body, ...(contentType && { contentType }) });
    return void response.writeHead(200, { etag: `"${randomUUID()}"` }).end();
  }
  if (method === 'DELETE') {
    records.objects.delete(path);
    return void response.writeHead(204).end();
  }
  if (!found) {
    if (method === 'HEAD') return void response.writeHead(404).end();
    return xmlError(response, 404, 'NoSuchKey', 'The specified key does not exist.', 's3');
  }
  const headers = { 'content-type': found.contentType ?? 'binary/octet-stream' };
  if (method === 'HEAD') return void response.writeHead(200, headers).end();
  response.writeHead(200, headers).end(found.body);
}
