################################################################################
# Task role: what the application itself may do
################################################################################

locals {
  # Both roles of the environment are assumed by ECS for its tasks, and by nothing else.
  ecs_tasks_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role" "task" {
  name                 = "${var.name}-task"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = local.ecs_tasks_trust

  tags = local.tags
}

resource "aws_iam_role_policy" "task" {
  name = "app"
  role = aws_iam_role.task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "BucketList"
          Effect   = "Allow"
          Action   = ["s3:ListBucket"]
          Resource = aws_s3_bucket.this.arn
        },
        {
          Sid      = "BucketObjects"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
          Resource = "${aws_s3_bucket.this.arn}/*"
        },
      ],
      # ECS Exec channels; these actions have no resource-level permissions.
      var.enable_execute_command ? [{
        Sid    = "EcsExec"
        Effect = "Allow"
        Action = [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ]
        Resource = "*"
      }] : [],
    )
  })
}

################################################################################
# Execution role: what the ECS agent reads to start this environment's tasks. Its own, so it
# reads this environment's secrets and those named in var.secrets, not every environment's
# (the shared stack's role reads its whole prefix). execution_role_arn replaces it (older roots).
################################################################################

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  create_execution_role = var.execution_role_arn == null
  execution_role_arn    = local.create_execution_role ? aws_iam_role.execution[0].arn : var.execution_role_arn
  # valueFrom may name a JSON key and version (<secret arn>:<key>:<stage>:<id>); IAM judges the
  # secret's ARN, whose name IAM ends with a random -XXXXXX suffix.
  named_secrets    = [for v in values(var.secrets) : "${join(":", slice(split(":", v), 0, 7))}*" if split(":", v)[2] == "secretsmanager"]
  named_parameters = [for v in values(var.secrets) : v if split(":", v)[2] == "ssm"]
  own_secret_arns  = ["arn:${data.aws_partition.current.partition}:secretsmanager:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:secret:${var.secrets_prefix}/${var.name}/*"]
}

resource "aws_iam_role" "execution" {
  count = local.create_execution_role ? 1 : 0

  name                 = "${var.name}-execution"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = local.ecs_tasks_trust

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  count = local.create_execution_role ? 1 : 0

  role       = aws_iam_role.execution[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "execution_secrets" {
  count = local.create_execution_role ? 1 : 0

  name = "read-own-secrets"
  role = aws_iam_role.execution[0].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "OwnAndNamedSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = concat(local.own_secret_arns, local.named_secrets)
      }],
      length(local.named_parameters) > 0 ? [{
        Sid      = "NamedParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameters"]
        Resource = local.named_parameters
      }] : [],
    )
  })
}
