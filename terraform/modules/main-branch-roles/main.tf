# The roles trusted only for main: a reusable workflow of this product at a release, run on
# refs/heads/main (a merged commit: reviewed), and nothing else.
# - plan: the read-only role of the prod plan job (terraform.yml's `plan`, before anyone
#   approves): the descriptions terraform plan refreshes, never a secret, parameter, log or
#   object value, and no write but prod's S3 lockfile.
# - build: main's image builds (build.yml with `release: true`), the only principal that pushes
#   to the repositories staging and production deploy from.
# - review: app-update's review job (production-deploy, before anyone approves): the revisions
#   production's services run and its secrets' metadata, so the reviewer sees what the approval
#   would deploy; it writes nothing and reads no value or log.
# Each is made when its variable is set: a production account of its own has the plan and
# review roles, the build account the build role, one account all three.

data "aws_partition" "current" {}

locals {
  workflows = "${var.workflows_repository}/.github/workflows"
  trust = { for workflow in ["terraform.yml", "build.yml", "app-update.yml"] : workflow => jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike = {
          "token.actions.githubusercontent.com:sub"              = ["repo:${var.repository}:ref:refs/heads/main"]
          "token.actions.githubusercontent.com:job_workflow_ref" = ["${local.workflows}/${workflow}@${var.workflows_ref}"]
        }
      }
    }]
  }) }
}

################################################################################
# Plan
################################################################################

locals {
  # Describe/List/Get of the resource types the prod root (shared + environment modules) holds.
  plan_refresh_actions = [
    "acm:DescribeCertificate", "acm:ListTagsForCertificate",
    "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies", "application-autoscaling:ListTagsForResource",
    "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource",
    "ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways", "ec2:DescribeNatGateways",
    "ec2:DescribeNetworkAcls", "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcs", "ec2:DescribeTags",
    "ecs:DescribeCapacityProviders", "ecs:DescribeClusters", "ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:ListTagsForResource",
    "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeCapacityReservation",
    "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies",
    "logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
    "rds:DescribeDBInstances", "rds:DescribeDBSubnetGroups", "rds:ListTagsForResource",
    "route53:GetChange", "route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource",
    "s3:GetAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLogging", "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetBucketRequestPayment", "s3:GetBucketTagging",
    "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
    "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy",
    "servicediscovery:GetNamespace", "servicediscovery:GetOperation", "servicediscovery:GetService", "servicediscovery:ListTagsForResource",
    "sns:GetTopicAttributes", "sns:ListTagsForResource",
  ]
  state_bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${try(var.plan.state_bucket_name, "unset")}"
  prod_state_arn   = "${local.state_bucket_arn}/${try(var.plan.state_key, "unset")}"
  prod_lock_arn    = "${local.state_bucket_arn}/${try(var.plan.state_key, "unset")}.tflock"

  plan_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # The state bucket, and prod's own bucket (HeadBucket is s3:ListBucket; keys, not objects).
      { Sid = "StateList", Effect = "Allow", Action = ["s3:ListBucket"], Resource = concat([local.state_bucket_arn], [for b in try(var.plan.bucket_names, []) : "arn:${data.aws_partition.current.partition}:s3:::${b}"]) },
      { Sid = "StateRead", Effect = "Allow", Action = ["s3:GetObject"], Resource = [local.prod_state_arn, local.prod_lock_arn] },
      # use_lockfile: the lock is <key>.tflock, created and deleted by the plan.
      { Sid = "StateLock", Effect = "Allow", Action = ["s3:PutObject", "s3:DeleteObject"], Resource = local.prod_lock_arn },
      # Explicit denies, so no attached policy (anything added later) can let an unapproved plan
      # write state, hand out roles or become another role.
      { Sid = "DenyStateWrites", Effect = "Deny", Action = ["s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl"], NotResource = local.prod_lock_arn },
      { Sid = "DenyRoles", Effect = "Deny", Action = ["iam:PassRole", "sts:AssumeRole"], Resource = "*" },
      # What terraform plan of the prod root refreshes: descriptions, never values. Listed
      # action by action (no ReadOnlyAccess, which reads every object, secret and log).
      { Sid = "Refresh", Effect = "Allow", Action = local.plan_refresh_actions, Resource = "*" },
      # A plan runs before anyone approves: a merged `data "external"` or provisioner must
      # find nothing worth taking, whatever else is attached to this role.
      {
        Sid    = "DenyValues"
        Effect = "Deny"
        Action = [
          "secretsmanager:BatchGetSecretValue",
          "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory",
          "kms:Decrypt", "kms:GenerateDataKey*",
          "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:StartLiveTail",
          "ecs:ExecuteCommand", "ssm:StartSession",
        ]
        Resource = "*"
      },
      { Sid = "DenyOtherObjects", Effect = "Deny", Action = ["s3:GetObject", "s3:GetObjectVersion"], NotResource = [local.prod_state_arn, local.prod_lock_arn] },
      # Every secret value, none excepted: the roots keep none in Terraform (the database
      # owner's and Redis's passwords are generated by the deploy into empty secrets).
      { Sid = "DenySecretValues", Effect = "Deny", Action = ["secretsmanager:GetSecretValue"], Resource = "*" },
    ]
  })
}

resource "aws_iam_role" "plan" {
  count = var.plan == null ? 0 : 1

  name                 = "github-actions-plan"
  path                 = "/github-actions/"
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = local.trust["terraform.yml"]

  tags = var.tags
}

resource "aws_iam_role_policy" "plan" {
  count = var.plan == null ? 0 : 1

  name   = "plan"
  role   = aws_iam_role.plan[0].id
  policy = local.plan_policy_json
}

# Anything more the plan must read (say, a resource type added to the prod root), as managed
# policies; the denies above still hold.
resource "aws_iam_role_policy_attachment" "plan_read_only" {
  for_each = toset(try(var.plan.read_only_policy_arns, []))

  role       = aws_iam_role.plan[0].name
  policy_arn = each.value
}

################################################################################
# Build
################################################################################

locals {
  build_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "EcrLogin", Effect = "Allow", Action = ["ecr:GetAuthorizationToken"], Resource = "*" },
      {
        Sid    = "EcrPush"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages",
          "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
        ]
        Resource = try(var.build.push_repository_arns, [])
      },
    ]
  })
}

resource "aws_iam_role" "build" {
  count = var.build == null ? 0 : 1

  name                 = "github-actions-build"
  path                 = "/github-actions/"
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = local.trust["build.yml"]

  tags = var.tags
}

resource "aws_iam_role_policy" "build" {
  count = var.build == null ? 0 : 1

  name   = "build"
  role   = aws_iam_role.build[0].id
  policy = local.build_policy_json
}

################################################################################
# Review
################################################################################

locals {
  ecs          = "arn:${data.aws_partition.current.partition}:ecs:*:*"
  review_reads = ["ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "secretsmanager:DescribeSecret"]
  review_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # register-task-definition's dry run: the revision each service runs, the family's newest.
      {
        Sid       = "Services"
        Effect    = "Allow"
        Action    = ["ecs:DescribeServices"]
        Resource  = [for c in try(var.review.cluster_names, []) : "${local.ecs}:service/${c}/*"]
        Condition = { ArnLike = { "ecs:cluster" = [for c in try(var.review.cluster_names, []) : "${local.ecs}:cluster/${c}"] } }
      },
      # No resource-level permission on these two (the Service Authorization Reference: "*").
      { Sid = "TaskDefinitions", Effect = "Allow", Action = ["ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions"], Resource = "*" },
      # Whether a secret asks to be generated: its tags, never its value.
      {
        Sid      = "SecretMetadata"
        Effect   = "Allow"
        Action   = ["secretsmanager:DescribeSecret"]
        Resource = [for p in try(var.review.secrets_prefixes, []) : "arn:${data.aws_partition.current.partition}:secretsmanager:*:*:secret:${p}/*"]
      },
      # It runs before anyone approves: whatever else is attached, nothing but these reads (no
      # write, role, secret or parameter value, log or object).
      { Sid = "DenyAllElse", Effect = "Deny", NotAction = local.review_reads, Resource = "*" },
    ]
  })
}

resource "aws_iam_role" "review" {
  count = var.review == null ? 0 : 1

  name                 = "github-actions-review"
  path                 = "/github-actions/"
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = local.trust["app-update.yml"]

  tags = var.tags
}

resource "aws_iam_role_policy" "review" {
  count = var.review == null ? 0 : 1

  name   = "review"
  role   = aws_iam_role.review[0].id
  policy = local.review_policy_json
}
