# The read-only role of the prod plan job (terraform.yml's `plan`, called by production.yml's
# `infrastructure` job on main; its `apply` job runs in environment `production` with
# github-actions-production). A plan runs before anyone approves, so this role may read
# the descriptions terraform plan refreshes, never a secret, parameter, log or object value,
# and write nothing except prod's S3 lockfile.
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
  prod_state_arn = "${module.bootstrap.state_bucket_arn}/${var.prod_state_key}"
  prod_lock_arn  = "${module.bootstrap.state_bucket_arn}/${var.prod_state_key}.tflock"

  plan_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # The state bucket, and prod's own bucket (HeadBucket is s3:ListBucket; keys, not objects).
      { Sid = "StateList", Effect = "Allow", Action = ["s3:ListBucket"], Resource = [module.bootstrap.state_bucket_arn, "arn:aws:s3:::${var.prod_bucket_name}"] },
      { Sid = "StateRead", Effect = "Allow", Action = ["s3:GetObject"], Resource = [local.prod_state_arn, local.prod_lock_arn] },
      # use_lockfile: the lock is <key>.tflock, created and deleted by the plan.
      { Sid = "StateLock", Effect = "Allow", Action = ["s3:PutObject", "s3:DeleteObject"], Resource = local.prod_lock_arn },
      # Explicit denies, so no attached policy (ReadOnlyAccess today, anything added later)
      # can let an unapproved plan write state, hand out roles or become another role.
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
          "secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue",
          "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory",
          "kms:Decrypt", "kms:GenerateDataKey*",
          "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:StartLiveTail",
          "ecs:ExecuteCommand", "ssm:StartSession",
        ]
        Resource = "*"
      },
      { Sid = "DenyOtherObjects", Effect = "Deny", Action = ["s3:GetObject", "s3:GetObjectVersion"], NotResource = [local.prod_state_arn, local.prod_lock_arn] },
    ]
  })
}

resource "aws_iam_role" "plan" {
  name                 = "github-actions-plan"
  path                 = "/github-actions/"
  max_session_duration = 3600
  permissions_boundary = module.boundaries.deploy_boundary_arn

  assume_role_policy = local.main_branch_trust["terraform.yml"]

  tags = var.tags
}

resource "aws_iam_role_policy" "plan" {
  name   = "plan"
  role   = aws_iam_role.plan.id
  policy = local.plan_policy_json
}

# Anything more the plan must read (say, a resource type added to the prod root), as managed
# policies; the denies above still hold.
resource "aws_iam_role_policy_attachment" "plan_read_only" {
  for_each = toset(var.plan_read_only_policy_arns)

  role       = aws_iam_role.plan.name
  policy_arn = each.value
}
