################################################################################
# Permissions boundaries: every role the modules create carries one, so no policy attached to
# a role later (by a user, or by a preview job that may create task roles) can let it do more.
################################################################################

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  boundary_path = var.path
  # Built from account, path and name, so the ARNs are known at plan time (roles that carry a
  # boundary are planned in the same run).
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:policy${var.path}"
}

# For the containers' roles (task and execution roles): what a Django app, its workers and the
# ECS agent do. No IAM, STS, ECS or network control, whatever the role's own policy says.
resource "aws_iam_policy" "workload_boundary" {
  name        = "workload-boundary"
  path        = local.boundary_path
  description = "Permissions boundary of adhoc-actions task and execution roles."
  tags        = var.tags

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Sid    = "Workloads"
      Effect = "Allow"
      Action = [
        "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation",
        "logs:CreateLogStream", "logs:PutLogEvents",
        "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
        "secretsmanager:GetSecretValue", "ssm:GetParameters", "ssm:GetParameter", "kms:Decrypt",
        "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
        "cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
        "sqs:*", "sns:Publish", "ses:SendEmail", "ses:SendRawEmail",
      ]
      Resource = "*"
      }], [for i, p in var.protected_secrets : {
      # Every environment's roles carry this one boundary, so a role a preview's apply makes
      # (with a policy of its choosing, or a `secrets` entry naming another tier's secret) is
      # refused another tier's secrets here, whatever its own policy says.
      Sid       = "OnlyTheirTiersSecrets${i}"
      Effect    = "Deny"
      Action    = ["secretsmanager:GetSecretValue"]
      Resource  = p.secret_arns
      Condition = { ArnNotLike = { "aws:PrincipalArn" = p.reader_arns } }
    }])
  })
}

# For the GitHub deploy roles: the services the workflows and their Terraform use, and no way
# to make credentials or lift a boundary.
resource "aws_iam_policy" "deploy_boundary" {
  name        = "deploy-boundary"
  path        = local.boundary_path
  description = "Permissions boundary of adhoc-actions GitHub deploy roles."
  tags        = var.tags

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "Services"
        Effect = "Allow"
        Action = [
          "ecs:*", "ecr:*", "logs:*", "s3:*", "dynamodb:*", "elasticloadbalancing:*", "route53:*", "servicediscovery:*",
          "ec2:*", "secretsmanager:*", "ssm:*", "application-autoscaling:*", "cloudwatch:*", "sns:*", "acm:*", "rds:*",
          "kms:*", "inspector2:ListFindings", "iam:*", "sts:GetCallerIdentity",
        ]
        Resource = "*"
      },
      {
        Sid    = "NoCredentialsNoEscape"
        Effect = "Deny"
        Action = [
          "iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:AttachUserPolicy", "iam:PutUserPolicy",
          "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeleteRolePermissionsBoundary", "iam:CreateOpenIDConnectProvider",
          "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider",
        ]
        Resource = "*"
      },
      {
        # The boundaries themselves are changed only by whoever applies bootstrap.
        Sid      = "BoundariesStay"
        Effect   = "Deny"
        Action   = ["iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion"]
        Resource = "arn:aws:iam::*:policy${local.boundary_path}*"
      },
    ]
  })
}
