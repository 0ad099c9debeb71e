################################################################################
# ECS task execution role shared by every environment's tasks
################################################################################

resource "aws_iam_role" "task_execution" {
  name                 = "${var.name}-ecs-task-execution"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "task_execution" {
  role       = aws_iam_role.task_execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

locals {
  arn_prefix = "arn:${data.aws_partition.current.partition}"
  region     = data.aws_region.current.id
  account_id = data.aws_caller_identity.current.account_id
}

# Container `secrets` are fetched by the execution role: allow only the agreed prefix.
resource "aws_iam_role_policy" "task_execution_secrets" {
  name = "read-environment-secrets"
  role = aws_iam_role.task_execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "SsmParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameters", "ssm:GetParameter"]
        Resource = "${local.arn_prefix}:ssm:${local.region}:${local.account_id}:parameter/${local.secrets_prefix}/*"
      },
      {
        Sid      = "SecretsManager"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = "${local.arn_prefix}:secretsmanager:${local.region}:${local.account_id}:secret:${local.secrets_prefix}/*"
      },
    ]
  })
}
