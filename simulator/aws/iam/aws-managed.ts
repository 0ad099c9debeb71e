import type { PolicyDocument } from './evaluate.ts';

/**
 * AWS managed policies the roots attach, which Terraform cannot render (AWS owns them). Copied
 * from the IAM console's policy versions named below; a root that attaches another one fails the
 * emulator's start, so none is guessed.
 */
export const AWS_MANAGED: Record<string, PolicyDocument> = {
  // AmazonECSTaskExecutionRolePolicy, version v1.
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'ecr:GetAuthorizationToken',
          'ecr:BatchCheckLayerAvailability',
          'ecr:GetDownloadUrlForLayer',
          'ecr:BatchGetImage',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
        ],
        Resource: '*',
      },
    ],
  },
};
