data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.id
  account   = data.aws_caller_identity.current.account_id
  ecs       = "arn:${local.partition}:ecs:${local.region}:${local.account}"
  logs      = "arn:${local.partition}:logs:${local.region}:${local.account}"

  # Known at plan time (the provider ARN is deterministic), so the trust is testable.
  oidc_provider_arn = var.create_oidc_provider ? "arn:${local.partition}:iam::${local.account}:oidc-provider/token.actions.githubusercontent.com" : var.oidc_provider_arn
  subject_claims    = var.subject_claims

  cluster_arns = [for c in var.ecs_cluster_names : "${local.ecs}:cluster/${c}"]
  # Families are <cluster>-<component>; with every cluster allowed, every family (protected
  # tiers' families are denied explicitly, see deny.task_family_prefixes).
  family_patterns = distinct([for c in var.ecs_cluster_names : c == "*" ? "*" : "${c}-*"])

  # Optional groups use `[for s in [...] : s if cond]`: a conditional would need both
  # branches to have the same tuple type.
  statements = concat(
    [
      {
        # These ECS actions have no resource-level permissions (release history lists families, then
        # each family's revisions: ListTaskDefinitions takes a whole family name).
        Sid      = "TaskDefinitions"
        Effect   = "Allow"
        Action   = ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "ecs:ListTaskDefinitionFamilies"]
        Resource = "*"
      },
      {
        # Tags copied by register-task-definition / run-task are applied on create only.
        Sid       = "TagOnCreate"
        Effect    = "Allow"
        Action    = ["ecs:TagResource"]
        Resource  = "*"
        Condition = { StringEquals = { "ecs:CreateAction" = ["RegisterTaskDefinition", "RunTask"] } }
      },
      {
        # Release history and activity: rolling-update marks the revisions that reached steady, a
        # resume marks what runs as active (environment-status), and only with these tag keys, so
        # the role cannot retag anything else.
        Sid       = "MarkReleased"
        Effect    = "Allow"
        Action    = ["ecs:TagResource"]
        Resource  = [for f in local.family_patterns : "${local.ecs}:task-definition/${f}:*"]
        Condition = { "ForAllValues:StringEquals" = { "aws:TagKeys" = ["adhoc-actions:released-at", "adhoc-actions:active-at"] } }
      },
      {
        Sid      = "Clusters"
        Effect   = "Allow"
        Action   = ["ecs:DescribeClusters"]
        Resource = local.cluster_arns
      },
      {
        Sid      = "Services"
        Effect   = "Allow"
        Action   = ["ecs:DescribeServices", "ecs:UpdateService"]
        Resource = [for c in var.ecs_cluster_names : "${local.ecs}:service/${c}/*"]
      },
      {
        # The rollout engine follows ECS's own record of each rollout (rolling-update), stops one to
        # roll back, and continues or rolls back one paused at a hook (continue-deployment). ECS
        # authorizes these on the service-deployment and on its service.
        Sid    = "ServiceDeployments"
        Effect = "Allow"
        Action = ["ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments", "ecs:StopServiceDeployment", "ecs:ContinueServiceDeployment"]
        Resource = flatten([for c in var.ecs_cluster_names : [
          "${local.ecs}:service/${c}/*", "${local.ecs}:service-deployment/${c}/*/*",
        ]])
      },
      {
        Sid       = "RunTasks"
        Effect    = "Allow"
        Action    = ["ecs:RunTask"]
        Resource  = "${local.ecs}:task-definition/*"
        Condition = { ArnLike = { "ecs:cluster" = local.cluster_arns } }
      },
      {
        Sid      = "Tasks"
        Effect   = "Allow"
        Action   = ["ecs:DescribeTasks", "ecs:StopTask"]
        Resource = [for c in var.ecs_cluster_names : "${local.ecs}:task/${c}/*"]
      },
      {
        Sid       = "ListTasks"
        Effect    = "Allow"
        Action    = ["ecs:ListTasks", "ecs:ListServices"]
        Resource  = "*"
        Condition = { ArnLike = { "ecs:cluster" = local.cluster_arns } }
      },
      {
        # environment-status divides the shared stack among the clusters it counts (names only).
        Sid      = "ListClusters"
        Effect   = "Allow"
        Action   = ["ecs:ListClusters"]
        Resource = "*"
      },
      {
        Sid    = "ReadLogs"
        Effect = "Allow"
        Action = ["logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogStreams"]
        # The environments' own log groups (<prefix><environment>/<component>).
        Resource = flatten(concat(
          [for n in local.names : ["${local.logs}:log-group:${var.log_group_prefix}${n}/*", "${local.logs}:log-group:${var.log_group_prefix}${n}/*:log-stream:*"]],
          [for g in var.readable_log_groups : ["${local.logs}:log-group:${g}", "${local.logs}:log-group:${g}:log-stream:*"]],
        ))
      },
      {
        Sid      = "PassTaskRoles"
        Effect   = "Allow"
        Action   = ["iam:PassRole"]
        Resource = var.pass_role_arns
        # Only to ECS tasks: the role cannot hand these roles to anything else.
        Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
      },
    ],
    [for s in [
      {
        # GetAuthorizationToken has no resource-level permissions.
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*"
      },
      {
        Sid    = "EcrPushPull"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:CompleteLayerUpload",
          "ecr:DescribeImageScanFindings",
          "ecr:DescribeImages",
          "ecr:DescribeRepositories",
          "ecr:GetDownloadUrlForLayer",
          "ecr:InitiateLayerUpload",
          "ecr:PutImage",
          "ecr:UploadLayerPart",
        ]
        Resource = var.ecr_repository_arns
      },
    ] : s if length(var.ecr_repository_arns) > 0],
    [for s in [
      {
        Sid      = "EcrLoginToPull"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*"
      },
      {
        # Deploys read what they deploy (scan findings, digests) and never push: an image reaches
        # these repositories only through the role that builds main.
        Sid      = "EcrRead"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:DescribeImageScanFindings", "ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:GetDownloadUrlForLayer"]
        Resource = var.ecr_read_repository_arns
      },
    ] : s if length(var.ecr_read_repository_arns) > 0 && (s.Sid == "EcrRead" || length(var.ecr_repository_arns) == 0)],
    [for s in [
      {
        Sid      = "StateList"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = var.state_bucket_arn
      },
      {
        # Only the given keys (workspace states are env:/<name>/<key>; the S3 lockfile is
        # <key>.tflock). coalesce: the for expression evaluates the element even when it
        # is filtered out.
        Sid      = "StateObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = [for k in var.state_object_keys : "${coalesce(var.state_bucket_arn, "unset")}/${k}"]
      },
    ] : s if var.state_bucket_arn != null],
    [for s in [
      {
        Sid      = "StateReadOnly"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = [for k in var.state_read_only_keys : "${coalesce(var.state_bucket_arn, "unset")}/${k}"]
      },
    ] : s if var.state_bucket_arn != null && length(var.state_read_only_keys) > 0],
    [for s in [
      {
        # Written, never read back nor deleted: whoever reads them signs in to this account.
        Sid      = "FailureReports"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = [for k in var.report_object_keys : "${coalesce(var.state_bucket_arn, "unset")}/${k}"]
        # Only with If-None-Match: * (S3 writes then only a key that does not exist): a report
        # never replaces another.
        Condition = { Null = { "s3:if-none-match" = "false" }, StringEquals = { "s3:if-none-match" = "*" } }
      },
    ] : s if var.state_bucket_arn != null && length(var.report_object_keys) > 0],
    [for s in [
      {
        Sid      = "StateLock"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
        Resource = var.state_lock_table_arn
      },
    ] : s if var.state_lock_table_arn != null],
    [for s in [
      {
        # Another stage's clusters: nothing on them, their services, their service deployments
        # (stopped or continued, a rollout of theirs would end) or tasks, and no task started or
        # listed in them.
        Sid    = "DenyProtectedClusters"
        Effect = "Deny"
        Action = ["ecs:*"]
        Resource = flatten([for c in var.deny.ecs_cluster_names : [
          "${local.ecs}:cluster/${c}", "${local.ecs}:service/${c}/*", "${local.ecs}:service-deployment/${c}/*",
          "${local.ecs}:task/${c}/*", "${local.ecs}:container-instance/${c}/*",
        ]])
      },
      {
        Sid       = "DenyRunInProtectedClusters"
        Effect    = "Deny"
        Action    = ["ecs:RunTask", "ecs:StartTask", "ecs:ListTasks"]
        Resource  = "*"
        Condition = { ArnLike = { "ecs:cluster" = [for c in var.deny.ecs_cluster_names : "${local.ecs}:cluster/${c}"] } }
      },
    ] : s if length(var.deny.ecs_cluster_names) > 0],
    [for s in [
      {
        Sid      = "DenyProtectedRoles"
        Effect   = "Deny"
        Action   = ["iam:PassRole", "sts:AssumeRole"]
        Resource = var.deny.role_arns
      },
    ] : s if length(var.deny.role_arns) > 0],
    [for s in [
      {
        # Roles the apply may pass but never rewrite (they match its role names).
        Sid      = "DenyFixedRoleChanges"
        Effect   = "Deny"
        Action   = local.role_write_actions
        Resource = var.deny.fixed_role_arns
      },
    ] : s if length(var.deny.fixed_role_arns) > 0],
    [for s in [
      {
        # Every version, ACL, tag and attribute of the object too.
        Sid      = "DenyProtectedState"
        Effect   = "Deny"
        Action   = ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:RestoreObject"]
        Resource = [for k in var.deny.state_object_keys : "${coalesce(var.state_bucket_arn, "unset")}/${k}"]
      },
    ] : s if var.state_bucket_arn != null && length(var.deny.state_object_keys) > 0],
    [for s in [
      {
        # A missing s3:prefix (HeadBucket, a listing of the whole bucket) is denied too.
        Sid       = "DenyStateListing"
        Effect    = "Deny"
        Action    = ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"]
        Resource  = var.state_bucket_arn
        Condition = { StringNotLike = { "s3:prefix" = coalesce(var.deny.state_list_prefixes, ["unset"]) } }
      },
      {
        # Its policy, versioning, lifecycle and deletion: whatever the apply's bucket grants match.
        Sid       = "DenyStateBucketSettings"
        Effect    = "Deny"
        NotAction = ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads", "s3:GetBucketVersioning", "s3:GetBucketLocation"]
        Resource  = var.state_bucket_arn
      },
    ] : s if var.state_bucket_arn != null && var.deny.state_list_prefixes != null],
    [for s in local.infrastructure_apply_statements : s if var.infrastructure_apply != null],
    [for s in [
      {
        # doctor: what is set up, never a value.
        Sid      = "Preflight"
        Effect   = "Allow"
        Action   = ["iam:GetRole", "iam:SimulatePrincipalPolicy"]
        Resource = "arn:${local.partition}:iam::${local.account}:role${var.role_path}*"
      },
      {
        Sid      = "PreflightAccount"
        Effect   = "Allow"
        Action   = ["iam:GetOpenIDConnectProvider", "acm:ListCertificates"]
        Resource = "*"
      },
      {
        Sid      = "PreflightSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:DescribeSecret"]
        Resource = "arn:${local.partition}:secretsmanager:${local.region}:${local.account}:secret:${try(var.preflight.secrets_prefix, "unset")}/*"
      },
    ] : s if var.preflight != null],
    [for s in [
      {
        Sid      = "PreflightStateBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketVersioning"]
        Resource = var.state_bucket_arn
      },
    ] : s if var.preflight != null && var.state_bucket_arn != null],
    # A statement with no resource is refused by IAM (MalformedPolicyDocument), e.g. no zone given.
    [for s in local.environment_apply_statements : s if var.environment_apply != null && length(flatten([s.Resource])) > 0],
    [for s in [
      {
        # Another tier's environments outside their cluster: revisions (registering, tagging,
        # deregistering), log groups, bucket, secrets and task roles.
        Sid    = "DenyProtectedEnvironments"
        Effect = "Deny"
        Action = ["ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:UntagResource", "ecs:DeleteTaskDefinitions", "logs:*", "s3:*", "secretsmanager:*", "iam:*"]
        Resource = flatten([for e in var.deny.environment_names : concat(
          ["${local.ecs}:task-definition/${e}-*:*", "${local.logs}:log-group:${var.log_group_prefix}${e}/*", "arn:${local.partition}:iam::${local.account}:role/*/${e}-*"],
          var.environment_apply == null ? [] : [
            "arn:${local.partition}:s3:::${var.environment_apply.bucket_prefix}${e}", "arn:${local.partition}:s3:::${var.environment_apply.bucket_prefix}${e}/*",
            "arn:${local.partition}:secretsmanager:${local.region}:${local.account}:secret:${var.environment_apply.secrets_prefix}/${e}/*",
          ],
        )])
      },
      {
        # What is shared on the stack carries the environment's tag (security groups, listener
        # rules, target groups, Cloud Map services): another tier's tag is out of reach, on
        # create and after.
        Sid       = "DenyProtectedEnvironmentTags"
        Effect    = "Deny"
        Action    = ["ec2:*", "elasticloadbalancing:*", "servicediscovery:*", "ecs:*", "logs:*", "secretsmanager:*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:ResourceTag/adhoc-actions:environment" = var.deny.environment_names } }
      },
      {
        Sid       = "DenyProtectedEnvironmentTagsOnCreate"
        Effect    = "Deny"
        Action    = ["ec2:*", "elasticloadbalancing:*", "servicediscovery:*", "ecs:*", "logs:*", "secretsmanager:*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:RequestTag/adhoc-actions:environment" = var.deny.environment_names } }
      },
      {
        Sid      = "DenyProtectedTargetGroups"
        Effect   = "Deny"
        Action   = ["elasticloadbalancing:*"]
        Resource = [for e in var.deny.environment_names : "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account}:targetgroup/${e}-*/*"]
      },
      {
        # Their DNS names in a shared zone (staging.<domain>).
        Sid       = "DenyProtectedRecords"
        Effect    = "Deny"
        Action    = ["route53:ChangeResourceRecordSets"]
        Resource  = "*"
        Condition = { "ForAnyValue:StringLike" = { "route53:ChangeResourceRecordSetsNormalizedRecordNames" = [for e in var.deny.environment_names : "${e}.*"] } }
      },
    ] : s if length(var.deny.environment_names) > 0],
    [for s in [
      {
        Sid      = "ReadSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = var.readable_secret_arns
      },
    ] : s if length(var.readable_secret_arns) > 0],
  )

  # The actions the prod example's apply, re-plan and destroy call (recorded; see the file).
  infrastructure_actions           = jsondecode(file("${path.module}/terraform-actions.json")).infrastructure
  infrastructure                   = var.infrastructure_apply == null ? { iam_role_path = "/unset/", permissions_boundary_arn = "unset" } : var.infrastructure_apply
  infrastructure_iam_with_boundary = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRole"]
  # Secret values are never granted on "*": only the root's own secrets.
  infrastructure_secret_values = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
  infrastructure_apply_statements = concat([
    {
      Sid      = "InfrastructureApply"
      Effect   = "Allow"
      Action   = [for a in local.infrastructure_actions : a if !startswith(a, "iam:") && !contains(local.infrastructure_secret_values, a)]
      Resource = "*"
    },
    {
      Sid       = "InfrastructureRolesWithBoundary"
      Effect    = "Allow"
      Action    = [for a in local.infrastructure_actions : a if contains(local.infrastructure_iam_with_boundary, a)]
      Resource  = "arn:${local.partition}:iam::${local.account}:role${local.infrastructure.iam_role_path}*"
      Condition = { StringEquals = { "iam:PermissionsBoundary" = local.infrastructure.permissions_boundary_arn } }
    },
    {
      Sid      = "InfrastructureRoleReads"
      Effect   = "Allow"
      Action   = [for a in local.infrastructure_actions : a if startswith(a, "iam:") && !contains(local.infrastructure_iam_with_boundary, a)]
      Resource = "arn:${local.partition}:iam::${local.account}:role${local.infrastructure.iam_role_path}*"
    },
    ], try(local.infrastructure.secrets_prefix, null) == null ? [] : [{
      Sid      = "InfrastructureSecretValues"
      Effect   = "Allow"
      Action   = [for a in local.infrastructure_actions : a if contains(local.infrastructure_secret_values, a)]
      Resource = "arn:${local.partition}:secretsmanager:${local.region}:${local.account}:secret:${local.infrastructure.secrets_prefix}/*"
  }])

  apply = var.environment_apply == null ? {
    bucket_prefix   = "unset", iam_role_path = "/unset/", permissions_boundary_arn = "unset", secrets_prefix = "unset",
    hosted_zone_ids = [], listener_arns = [], log_group_prefix = "/unset/"
  } : var.environment_apply
  names              = local.family_patterns == ["*"] ? ["*"] : [for c in var.ecs_cluster_names : c]
  role_write_actions = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy"]
  # Each environment's task role and its own execution role.
  apply_role_arns = flatten([for n in local.names : [for r in ["task", "execution"] : "arn:${local.partition}:iam::${local.account}:role${local.apply.iam_role_path}${n}-${r}"]])

  # What terraform plan/apply/destroy of an environment-module root calls (recorded from an
  # apply and destroy against moto: actions/doctor/terraform-calls.json), each on the
  # environment's own resources. The actions Terraform reads with have no resource-level
  # permissions (Describe*, List*) and are granted on "*".
  environment_apply_statements = [
    {
      Sid    = "ApplyEcs"
      Effect = "Allow"
      Action = [
        "ecs:CreateCluster", "ecs:DeleteCluster", "ecs:PutClusterCapacityProviders", "ecs:CreateService", "ecs:DeleteService",
        "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource", "ecs:DeleteTaskDefinitions",
      ]
      Resource = flatten([for n in local.names : [
        "${local.ecs}:cluster/${n}", "${local.ecs}:service/${n}/*", "${local.ecs}:task-definition/${n}-*:*",
      ]])
    },
    {
      Sid      = "ApplyEcsUnscoped"
      Effect   = "Allow"
      Action   = ["ecs:DeregisterTaskDefinition", "ecs:DescribeCapacityProviders"]
      Resource = "*"
    },
    {
      Sid    = "ApplyLogGroups"
      Effect = "Allow"
      Action = [
        "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource",
        "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:ListTagsLogGroup",
      ]
      Resource = flatten([for n in local.names : [
        "${local.logs}:log-group:${local.apply.log_group_prefix}${n}/*", "${local.logs}:log-group:${local.apply.log_group_prefix}${n}/*:log-stream:*",
      ]])
    },
    { Sid = "ApplyLogReads", Effect = "Allow", Action = ["logs:DescribeLogGroups"], Resource = "*" },
    {
      Sid      = "ApplyBucket"
      Effect   = "Allow"
      Action   = ["s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucket*", "s3:PutBucket*", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration"]
      Resource = [for n in local.names : "arn:${local.partition}:s3:::${local.apply.bucket_prefix}${n}"]
    },
    {
      # force_destroy empties the bucket on destroy.
      Sid      = "ApplyBucketObjects"
      Effect   = "Allow"
      Action   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
      Resource = [for n in local.names : "arn:${local.partition}:s3:::${local.apply.bucket_prefix}${n}/*"]
    },
    {
      # The task and execution roles: created, changed and given policies only with the boundary,
      # so no role this one makes can do more than the boundary allows.
      Sid       = "ApplyTaskRoleWithBoundary"
      Effect    = "Allow"
      Action    = local.role_write_actions
      Resource  = local.apply_role_arns
      Condition = { StringEquals = { "iam:PermissionsBoundary" = local.apply.permissions_boundary_arn } }
    },
    {
      Sid      = "ApplyTaskRoleReads"
      Effect   = "Allow"
      Action   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:TagRole", "iam:UntagRole"]
      Resource = local.apply_role_arns
    },
    {
      # Security groups are created with the environment's tag and changed only while they carry it.
      Sid       = "ApplySecurityGroupCreate"
      Effect    = "Allow"
      Action    = ["ec2:CreateSecurityGroup", "ec2:CreateTags"]
      Resource  = "arn:${local.partition}:ec2:${local.region}:${local.account}:security-group/*"
      Condition = { Null = { "aws:RequestTag/adhoc-actions:environment" = "false" } }
    },
    {
      Sid      = "ApplySecurityGroupInVpc"
      Effect   = "Allow"
      Action   = ["ec2:CreateSecurityGroup"]
      Resource = "arn:${local.partition}:ec2:${local.region}:${local.account}:vpc/*"
    },
    {
      Sid       = "ApplySecurityGroups"
      Effect    = "Allow"
      Action    = ["ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:CreateTags", "ec2:DeleteTags"]
      Resource  = ["arn:${local.partition}:ec2:${local.region}:${local.account}:security-group/*", "arn:${local.partition}:ec2:${local.region}:${local.account}:security-group-rule/*"]
      Condition = { Null = { "aws:ResourceTag/adhoc-actions:environment" = "false" } }
    },
    {
      Sid      = "ApplyReads"
      Effect   = "Allow"
      Action   = ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeVpcs", "ec2:DescribeNetworkInterfaces", "elasticloadbalancing:Describe*", "servicediscovery:GetNamespace", "servicediscovery:GetOperation", "servicediscovery:ListServices", "servicediscovery:ListTagsForResource", "servicediscovery:TagResource", "servicediscovery:UntagResource", "secretsmanager:GetRandomPassword"]
      Resource = "*"
    },
    {
      Sid      = "ApplyTargetGroups"
      Effect   = "Allow"
      Action   = ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"]
      Resource = [for n in local.names : "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account}:targetgroup/${n}-*/*"]
    },
    {
      # Rules are created on the shared listeners (CreateRule is authorized on the listener) and
      # tagged with the environment; only those are changed or deleted.
      Sid      = "ApplyListenerRules"
      Effect   = "Allow"
      Action   = ["elasticloadbalancing:CreateRule", "elasticloadbalancing:AddTags"]
      Resource = local.apply.listener_arns
    },
    {
      Sid       = "ApplyOwnListenerRules"
      Effect    = "Allow"
      Action    = ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"]
      Resource  = "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account}:listener-rule/app/*"
      Condition = { Null = { "aws:ResourceTag/adhoc-actions:environment" = "false" } }
    },
    {
      Sid      = "ApplyDnsRecords"
      Effect   = "Allow"
      Action   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetHostedZone"]
      Resource = [for z in local.apply.hosted_zone_ids : "arn:${local.partition}:route53:::hostedzone/${z}"]
    },
    { Sid = "ApplyDnsChanges", Effect = "Allow", Action = ["route53:GetChange"], Resource = "arn:${local.partition}:route53:::change/*" },
    {
      # Cloud Map: CreateService is authorized on the namespace and on the new service.
      Sid      = "ApplyDiscovery"
      Effect   = "Allow"
      Action   = ["servicediscovery:CreateService", "servicediscovery:GetService", "servicediscovery:DeleteService", "servicediscovery:UpdateService"]
      Resource = ["arn:${local.partition}:servicediscovery:${local.region}:${local.account}:namespace/*", "arn:${local.partition}:servicediscovery:${local.region}:${local.account}:service/*"]
    },
    {
      # Each environment's own secrets (the database owner's password): created empty by
      # Terraform, filled and read by create-database, deleted on destroy.
      Sid      = "ApplySecrets"
      Effect   = "Allow"
      Action   = ["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:TagResource", "secretsmanager:UntagResource", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
      Resource = [for n in local.names : "arn:${local.partition}:secretsmanager:${local.region}:${local.account}:secret:${local.apply.secrets_prefix}/${n}/*"]
    },
  ]

  policy_json = jsonencode({ Version = "2012-10-17", Statement = local.statements })

  # IAM takes at most 10,240 characters of inline policy per role and 6,144 per managed policy,
  # and these roles need more: the statements go into managed policies by kind (the apply's
  # rights in two halves), each within the limit (checked below, before anything is created).
  apply_sids = [for s in local.statements : s.Sid if startswith(s.Sid, "Apply")]
  policy_group = { for s in local.statements : s.Sid => (
    s.Effect == "Deny" ? "denies" :
    startswith(s.Sid, "Infrastructure") ? "infrastructure" :
    startswith(s.Sid, "Apply") ? (index(local.apply_sids, s.Sid) < ceil(length(local.apply_sids) / 2) ? "apply-1" : "apply-2") :
    "deploy"
  ) }
  policy_documents = { for group in distinct(values(local.policy_group)) : group => jsonencode({
    Version   = "2012-10-17"
    Statement = [for s in local.statements : s if local.policy_group[s.Sid] == group]
  }) }
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
  # AWS no longer checks these for GitHub (it trusts the CA), but the API wants one.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
  tags            = var.tags
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  path                 = var.role_path
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike = merge(
          { "token.actions.githubusercontent.com:sub" = local.subject_claims },
          # A missing claim fails StringLike, so a job outside these workflows is refused.
          length(var.job_workflow_refs) > 0 ? { "token.actions.githubusercontent.com:job_workflow_ref" = var.job_workflow_refs } : {},
        )
      }
    }]
  })

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.create_oidc_provider || var.oidc_provider_arn != null
      error_message = "oidc_provider_arn is required when create_oidc_provider = false."
    }
    precondition {
      # GitHub sends sub as repo:<owner>/<name>:<context>; anything else widens the trust,
      # and a context starting with a wildcard (the old default repo:<repo>:*) trusts every
      # workflow and branch of the repository.
      # The context must be one GitHub sends, named: pull_request, ref:refs/<heads|tags>/...,
      # environment:<name>. A leading ? or * (repo:R:?*) matches every context like * does.
      condition = alltrue([for s in local.subject_claims :
        startswith(lower(s), lower("repo:${var.repository}:")) &&
        can(regex("^(pull_request|ref:refs/(heads|tags)/.+|environment:[^*?].*)$", substr(s, length("repo:${var.repository}:"), -1)))
      ])
      error_message = "Every subject_claims entry must be \"repo:${var.repository}:<context>\" with a context that is not a wildcard, e.g. environment:production (trust is limited to named contexts of this repository)."
    }
    precondition {
      condition     = var.state_bucket_arn == null || length(var.state_object_keys) > 0
      error_message = "state_object_keys is required with state_bucket_arn: name the state objects this role may write (no role gets every state)."
    }
  }

  depends_on = [aws_iam_openid_connect_provider.github]
}

resource "aws_iam_policy" "deploy" {
  for_each = local.policy_documents

  name        = "${var.role_name}-${each.key}"
  path        = var.role_path
  description = "${var.role_name}: ${each.key} (terraform/modules/github-oidc)."
  policy      = each.value
  tags        = var.tags

  lifecycle {
    precondition {
      condition     = length(each.value) <= 6144
      error_message = "The ${each.key} policy of ${var.role_name} is ${length(each.value)} characters; IAM takes at most 6,144 in a managed policy. Give it fewer names (clusters, protected environments, keys)."
    }
    precondition {
      condition     = length(local.policy_documents) + length(var.additional_policy_arns) <= 10
      error_message = "${var.role_name} would have ${length(local.policy_documents) + length(var.additional_policy_arns)} managed policies; IAM attaches at most 10 to a role by default (additional_policy_arns counts)."
    }
  }
}

# The denies first: while an apply attaches the policies one by one, the role never holds
# its allows without them (one inline document was atomic; attachments are not).
resource "aws_iam_role_policy_attachment" "denies" {
  for_each = { for k, v in local.policy_documents : k => v if k == "denies" }

  role = aws_iam_role.this.name
  # Built from account, path and name (as IAM names it), so it is known at plan time.
  policy_arn = "arn:${local.partition}:iam::${local.account}:policy${var.role_path}${aws_iam_policy.deploy[each.key].name}"
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = { for k, v in local.policy_documents : k => v if k != "denies" }

  role       = aws_iam_role.this.name
  policy_arn = "arn:${local.partition}:iam::${local.account}:policy${var.role_path}${aws_iam_policy.deploy[each.key].name}"

  depends_on = [aws_iam_role_policy_attachment.denies]
}

resource "aws_iam_role_policy_attachment" "additional" {
  for_each = toset(var.additional_policy_arns)

  role       = aws_iam_role.this.name
  policy_arn = each.value
}
