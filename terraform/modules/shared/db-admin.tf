################################################################################
# db-admin: psql inside the VPC for create-database (mode ecs-task), from GitHub-hosted runners
# with no bastion and no admin password in GitHub: the execution role reads the RDS-managed
# master secret (which RDS rotates) into PGUSER / PGPASSWORD when the task starts.
################################################################################

resource "aws_cloudwatch_log_group" "db_admin" {
  name              = "/ecs/${var.name}/db-admin"
  retention_in_days = 30
  tags              = local.tags
}

resource "aws_ecs_task_definition" "db_admin" {
  family                   = "${var.name}-db-admin"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.task_execution.arn

  container_definitions = jsonencode([{
    name      = "psql"
    image     = var.db_admin_image
    essential = true
    # create-database runs its script here: sh -c 'printf %s "$CREATE_DATABASE_SQL" | psql ...'
    command = ["psql", "--version"]
    environment = [
      { name = "PGHOST", value = aws_db_instance.this.address },
      { name = "PGPORT", value = tostring(aws_db_instance.this.port) },
      { name = "PGDATABASE", value = "postgres" },
      { name = "PGSSLMODE", value = "require" },
    ]
    secrets = [
      { name = "PGUSER", valueFrom = "${aws_db_instance.this.master_user_secret[0].secret_arn}:username::" },
      { name = "PGPASSWORD", valueFrom = "${aws_db_instance.this.master_user_secret[0].secret_arn}:password::" },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.db_admin.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "db-admin"
      }
    }
  }])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  tags = local.tags
}

# The managed master secret is named rds!db-…, outside the prefix the execution role reads.
resource "aws_iam_role_policy" "task_execution_master_secret" {
  name = "read-rds-master-secret"
  role = aws_iam_role.task_execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "RdsMasterSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = aws_db_instance.this.master_user_secret[0].secret_arn
    }]
  })
}

################################################################################
# Django's SECRET_KEY, shared by the environments on this stack. Terraform makes the secret
# without a value, so the key is in no plan or state; set it once (README, "Getting started"):
#   aws secretsmanager put-secret-value --secret-id <prefix>/django-secret-key \
#     --secret-string "$(openssl rand -base64 48)"
# `npm run doctor` says so while it has none.
################################################################################

resource "aws_secretsmanager_secret" "django_secret_key" {
  name                    = "${local.secrets_prefix}/django-secret-key"
  description             = "Django SECRET_KEY of the ${var.name} environments (value set once by hand, see the module README)."
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = local.tags
}
