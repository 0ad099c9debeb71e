import { AwsError } from './errors.ts';
import type { Operations } from './protocol.ts';
import type { Json } from './state.ts';

/**
 * ECR image scanning as DescribeImageScanFindings and DescribeImages answer it: a scan a test
 * scripts (PENDING/IN_PROGRESS for some time, then COMPLETE or another end state with findings),
 * pages of findings with nextToken, and ECR's error types and messages.
 */

export interface ScriptedScan {
  /** How long the scan reports IN_PROGRESS after the image is pushed; Infinity never ends. */
  inProgressMs?: number;
  /** The end state (default COMPLETE; ACTIVE for enhanced scanning). */
  status?: string;
  description?: string;
  /** Basic findings ({ name, severity, attributes }) unless `enhanced`. */
  findings?: Json[];
  /** Findings as Inspector's enhanced scanning reports them. */
  enhanced?: boolean;
  /** No scan exists: ScanNotFoundException. */
  none?: boolean;
}

interface ImageRecord {
  digest: string;
  tags: string[];
  pushedAt: number;
  scan: ScriptedScan;
}

export class EcrRegistry {
  readonly repositories = new Map<string, Map<string, ImageRecord>>();
  /** The registry's id: its account's. */
  private readonly registryId: string;

  constructor(account: string) {
    this.registryId = account;
  }

  createRepository(name: string): void {
    if (!this.repositories.has(name)) this.repositories.set(name, new Map());
  }

  pushImage(repository: string, digest: string, scan: ScriptedScan = {}, tags: string[] = []): void {
    this.createRepository(repository);
    this.repositories.get(repository)!.set(digest, { digest, tags, pushedAt: Date.now(), scan });
  }

  /**
   * A push of `tag` as PutImage does it on an IMMUTABLE repository (what bootstrap makes): the
   * same tag on other bytes is refused, so a tag always names one image. The image's scan is
   * clean and complete unless a test scripted one for its digest.
   */
  putImage(repository: string, digest: string, tag: string): void {
    this.createRepository(repository);
    const images = this.repositories.get(repository)!;
    const holder = [...images.values()].find((i) => i.tags.includes(tag));
    if (holder && holder.digest !== digest) {
      throw new AwsError(
        'ImageTagAlreadyExistsException',
        `The image tag '${tag}' already exists in the '${repository}' repository and cannot be overwritten because the repository is immutable.`,
      );
    }
    const image = images.get(digest) ?? { digest, tags: [], pushedAt: Date.now(), scan: {} };
    if (!image.tags.includes(tag)) image.tags.push(tag);
    images.set(digest, image);
  }

  private image(input: Json, digest: string): ImageRecord {
    const name = String(input['repositoryName'] ?? '');
    const registry = String(input['registryId'] ?? this.registryId);
    const images = this.repositories.get(name);
    if (!images) {
      throw new AwsError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${registry}'`,
      );
    }
    // A tag given instead of a digest: ECR resolves it (imageId {imageTag}).
    const image = images.get(digest) ?? [...images.values()].find((i) => i.tags.includes(digest));
    if (!image) {
      throw new AwsError(
        'ImageNotFoundException',
        `The image with imageId {imageDigest:'${digest}', imageTag:'null'} does not exist within the repository with name '${name}' in the registry with id '${registry}'`,
      );
    }
    return image;
  }

  private status(image: ImageRecord): string {
    const { inProgressMs = 0, status = 'COMPLETE' } = image.scan;
    return Date.now() - image.pushedAt < inProgressMs ? 'IN_PROGRESS' : status;
  }

  operations(): Operations {
    return {
      DescribeImageScanFindings: (_state, input) => {
        const name = String(input['repositoryName'] ?? '');
        const id = (input['imageId'] as Json | undefined) ?? {};
        const image = this.image(input, String(id['imageDigest'] ?? id['imageTag'] ?? ''));
        const digest = image.digest;
        if (image.scan.none) {
          throw new AwsError(
            'ScanNotFoundException',
            `Image scan does not exist for the image with '{imageDigest:'${digest}', imageTag:'null'}' in the repository with name '${name}' in the registry with id '${this.registryId}'`,
          );
        }
        const status = this.status(image);
        const base = {
          registryId: this.registryId,
          repositoryName: name,
          imageId: { imageDigest: digest },
          imageScanStatus: {
            status,
            description:
              image.scan.description ?? (status === 'COMPLETE' ? 'The scan was completed successfully.' : ''),
          },
        };
        if (status !== 'COMPLETE' && status !== 'ACTIVE') return base;
        const all = image.scan.findings ?? [];
        const max = Math.min(Number(input['maxResults'] ?? 100), 1000);
        const start = input['nextToken'] === undefined ? 0 : Number(String(input['nextToken']).slice(4));
        if (!Number.isInteger(start) || start < 0 || start > all.length) {
          throw new AwsError('InvalidParameterException', "Invalid parameter at 'nextToken'");
        }
        const page = all.slice(start, start + max);
        const counts: Record<string, number> = {};
        for (const f of all) counts[String(f['severity'])] = (counts[String(f['severity'])] ?? 0) + 1;
        return {
          ...base,
          imageScanFindings: {
            imageScanCompletedAt: image.pushedAt / 1000,
            vulnerabilitySourceUpdatedAt: image.pushedAt / 1000,
            findingSeverityCounts: counts,
            [image.scan.enhanced ? 'enhancedFindings' : 'findings']: page,
          },
          ...(start + max < all.length && { nextToken: `page${start + max}` }),
        };
      },
      DescribeImages: (_state, input) => {
        const ids = (input['imageIds'] as Json[] | undefined) ?? [];
        const name = String(input['repositoryName'] ?? '');
        if (!this.repositories.has(name)) this.image(input, ''); // RepositoryNotFoundException
        const images = ids.length
          ? ids.map((id) => this.image(input, String(id['imageDigest'] ?? id['imageTag'])))
          : [...this.repositories.get(name)!.values()];
        return {
          imageDetails: images.map((image) => ({
            registryId: this.registryId,
            repositoryName: name,
            imageDigest: image.digest,
            imagePushedAt: image.pushedAt / 1000,
            imageScanStatus: { status: this.status(image) },
          })),
        };
      },
    };
  }
}
