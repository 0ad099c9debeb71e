/**
 * Image references as Docker and ECS read them: `[registry[:port]/]path[:tag][@sha256:<64 hex>]`.
 * Pure parsing, so register-task-definition can refuse a malformed image before any AWS call.
 */

const DOMAIN_PART = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]{1,5})?)`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = `(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*`;
const TAG_TEXT = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST_TEXT = 'sha256:[a-f0-9]{64}';

const REFERENCE = new RegExp(`^(${REPOSITORY})(?::(${TAG_TEXT}))?(?:@(${DIGEST_TEXT}))?$`);
const REPOSITORY_ONLY = new RegExp(`^${REPOSITORY}$`);
export const TAG = new RegExp(`^${TAG_TEXT}$`);
export const DIGEST = new RegExp(`^${DIGEST_TEXT}$`);

/** ContainerDefinition image: "Up to 255 letters ..." (ECS API reference). */
export const MAX_IMAGE_LENGTH = 255;

export interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * The parts of an image reference, or undefined when it is not one. A first path part with a
 * dot, a colon or `localhost` is a registry, as Docker reads it, so `host:5000/app` is a
 * repository and not `host` with tag `5000/app`.
 */
export function parseImage(image: string): ImageRef | undefined {
  if (image.length > MAX_IMAGE_LENGTH) return undefined;
  const match = REFERENCE.exec(image);
  if (!match) return undefined;
  const [, repository, tag, digest] = match;
  return { repository: repository!, ...(tag && { tag }), ...(digest && { digest }) };
}

export function isRepository(text: string): boolean {
  return text.length <= MAX_IMAGE_LENGTH && REPOSITORY_ONLY.test(text);
}

/** `repository` with a tag (`repo:v2`) or a digest (`repo@sha256:...`). */
export function withTagOrDigest(repository: string, tagOrDigest: string): string {
  return DIGEST.test(tagOrDigest) ? `${repository}@${tagOrDigest}` : `${repository}:${tagOrDigest}`;
}
