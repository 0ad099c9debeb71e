################################################################################
# Cluster, logs, task definitions
################################################################################

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  # What the janitor reads (environment-status): paused, and a date it must keep it until.
  tags = merge(
    local.tags,
    var.paused ? { "adhoc-actions:paused" = "true" } : {},
    var.keep_until != "" ? { "adhoc-actions:keep-until" = var.keep_until } : {},
  )
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  dynamic "default_capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy
    content {
      capacity_provider = default_capacity_provider_strategy.value.capacity_provider
      weight            = default_capacity_provider_strategy.value.weight
      base              = default_capacity_provider_strategy.value.base
    }
  }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(local.components)

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

# Terraform owns the infrastructure and the FIRST revision of each family; the actions own
# every revision after it. The images are read once, when the environment is created, and
# frozen here (ignore_changes): an apply with another image tag plans no change, so an app
# deploy leaves the state alone. A later replacement of a task definition (an env var,
# secret or size in tfvars) still starts from these images; the next deploy's
# register-task-definition takes that revision and sets the deployed image.
# To take new images into Terraform's revisions: terraform apply -replace=<this resource>.
resource "terraform_data" "images" {
  input = { backend = var.backend_image, frontend = var.frontend_image }

  lifecycle {
    ignore_changes = [input]
  }
}

locals {
  # The actions derive log streams as <awslogs-stream-prefix>/<container>/<task-id>.
  log_configuration = {
    for c in local.components : c => {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this[c].name
        awslogs-region        = data.aws_region.current.id
        awslogs-stream-prefix = c
      }
    }
  }

  # The environment's own secrets, read by its own execution role (iam.tf).
  own_secrets = {
    POSTGRES_PASSWORD = aws_secretsmanager_secret.db_owner_password.arn
    REDIS_URL         = "${aws_secretsmanager_secret.redis_auth.arn}:url::"
  }

  backend_commands = {
    gunicorn = var.gunicorn_command
    celery   = var.celery_command
    beat     = var.beat_command
    migrate  = var.migrate_command
  }

  # Every backend family names its container "backend", so one `images: backend=...`
  # line of register-task-definition updates all of them.
  container_names = merge(
    { for c in local.backend_components : c => "backend" },
    { frontend = "frontend", redis = "redis" },
  )

  container_definitions = merge(
    {
      for c in local.backend_components : c => [{
        name         = "backend"
        image        = terraform_data.images.output.backend
        essential    = true
        command      = local.backend_commands[c]
        portMappings = c == "gunicorn" ? [{ containerPort = var.backend_port, protocol = "tcp" }] : []
        environment  = [for k, v in local.backend_environment : { name = k, value = v }]
        secrets      = [for k, v in merge(local.own_secrets, var.secrets) : { name = k, valueFrom = v }]
        # Celery needs time to finish the task in hand before SIGKILL.
        stopTimeout      = c == "celery" ? 120 : 30
        logConfiguration = local.log_configuration[c]
      }]
    },
    {
      frontend = [{
        name             = "frontend"
        image            = terraform_data.images.output.frontend
        essential        = true
        portMappings     = [{ containerPort = var.frontend_port, protocol = "tcp" }]
        logConfiguration = local.log_configuration["frontend"]
      }]
      redis = [{
        name         = "redis"
        image        = var.redis_image
        essential    = true
        portMappings = [{ containerPort = 6379, protocol = "tcp" }]
        secrets      = [{ name = "REDIS_PASSWORD", valueFrom = "${aws_secretsmanager_secret.redis_auth.arn}:password::" }]
        # The password goes in on stdin as configuration, not on the command line; through the
        # image's entrypoint, which drops root before it starts redis-server.
        command          = ["sh", "-c", "exec docker-entrypoint.sh redis-server - <<EOF\nrequirepass $REDIS_PASSWORD\nEOF"]
        logConfiguration = local.log_configuration["redis"]
      }]
    },
  )
}

# Terraform creates the first revision of every family; later revisions come from the
# register-task-definition action. No track_latest: Terraform keeps comparing against
# its own revision, so an apply never reverts a deployed image. skip_destroy: when a tfvars
# change replaces a revision, the old one stays ACTIVE (a service may still run it or roll
# back to it); Terraform only forgets it.
resource "aws_ecs_task_definition" "this" {
  for_each = toset(local.components)

  skip_destroy = true

  family                   = local.families[each.key]
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(local.task_sizes[each.key].cpu)
  memory                   = tostring(local.task_sizes[each.key].memory)
  execution_role_arn       = local.execution_role_arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode(local.container_definitions[each.key])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  tags = local.tags
}

################################################################################
# Redis discovery: <name>-redis.<namespace>, reachable from this environment only
################################################################################

# The environment's own group, on every task of it beside the shared app group. Redis
# (6379) is open only to members of this group, so another environment's tasks (in the
# shared app group, not in this one) cannot reach it. Egress comes from the app group.
resource "aws_security_group" "tasks" {
  name        = "${var.name}-tasks"
  description = "Tasks of ${var.name}; Redis only from here"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-tasks" })
}

resource "aws_vpc_security_group_ingress_rule" "redis" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "Redis from ${var.name}'s own tasks"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.tasks.id
}

locals {
  task_security_groups = [var.app_security_group_id, aws_security_group.tasks.id]
}

resource "aws_service_discovery_service" "redis" {
  name = "${var.name}-redis"

  dns_config {
    namespace_id   = var.service_discovery_namespace_id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  tags = local.tags
}

################################################################################
# Services
################################################################################

locals {
  # deployment_min/max: beat and redis stop the old task first (never two schedulers,
  # never two diverging redis instances); the others roll with zero downtime.
  services = {
    gunicorn = { desired = var.desired_counts.gunicorn, min_pct = 100, max_pct = 200, scaled = var.autoscaling_enabled, lb = { tg = aws_lb_target_group.gunicorn.arn, container = "backend", port = var.backend_port } }
    celery   = { desired = var.desired_counts.celery, min_pct = 100, max_pct = 200, scaled = var.autoscaling_enabled, lb = null }
    beat     = { desired = 1, min_pct = 0, max_pct = 100, scaled = false, lb = null }
    frontend = { desired = var.desired_counts.frontend, min_pct = 100, max_pct = 200, scaled = false, lb = { tg = aws_lb_target_group.frontend.arn, container = "frontend", port = var.frontend_port } }
    redis    = { desired = 1, min_pct = 0, max_pct = 100, scaled = false, lb = null }
  }

  service_names = { for k in keys(local.services) : k => "${var.name}-${k}" }
}

# Two resources because ignore_changes must be static: `this` for services with a fixed
# count, `autoscaled` where Application Auto Scaling owns desired_count. Keep them in step.
resource "aws_ecs_service" "this" {
  for_each = { for k, s in local.services : k => s if !s.scaled }

  name            = local.service_names[each.key]
  cluster         = aws_ecs_cluster.this.arn
  task_definition = aws_ecs_task_definition.this[each.key].arn
  # Paused: nothing runs; the database, bucket, URL and configuration stay (var.paused).
  desired_count                      = var.paused ? 0 : each.value.desired
  deployment_minimum_healthy_percent = each.value.min_pct
  deployment_maximum_percent         = each.value.max_pct
  enable_execute_command             = var.enable_execute_command
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  health_check_grace_period_seconds  = each.value.lb != null ? 60 : null
  wait_for_steady_state              = false

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy
    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      weight            = capacity_provider_strategy.value.weight
      base              = capacity_provider_strategy.value.base
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = local.task_security_groups
    assign_public_ip = var.assign_public_ip
  }

  dynamic "load_balancer" {
    for_each = each.value.lb != null ? [each.value.lb] : []
    content {
      target_group_arn = load_balancer.value.tg
      container_name   = load_balancer.value.container
      container_port   = load_balancer.value.port
    }
  }

  dynamic "service_registries" {
    for_each = each.key == "redis" ? [aws_service_discovery_service.redis.arn] : []
    content {
      registry_arn = service_registries.value
    }
  }

  tags = local.tags

  # The actions register revisions and roll them out; an apply must not undo that.
  lifecycle {
    ignore_changes = [task_definition]
  }

  # A target group must be attached to the listener before a service can use it.
  depends_on = [aws_lb_listener_rule.backend, aws_lb_listener_rule.frontend, aws_ecs_cluster_capacity_providers.this]
}

resource "aws_ecs_service" "autoscaled" {
  for_each = { for k, s in local.services : k => s if s.scaled }

  name                               = local.service_names[each.key]
  cluster                            = aws_ecs_cluster.this.arn
  task_definition                    = aws_ecs_task_definition.this[each.key].arn
  desired_count                      = each.value.desired
  deployment_minimum_healthy_percent = each.value.min_pct
  deployment_maximum_percent         = each.value.max_pct
  enable_execute_command             = var.enable_execute_command
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  health_check_grace_period_seconds  = each.value.lb != null ? 60 : null
  wait_for_steady_state              = false

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy
    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      weight            = capacity_provider_strategy.value.weight
      base              = capacity_provider_strategy.value.base
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = local.task_security_groups
    assign_public_ip = var.assign_public_ip
  }

  dynamic "load_balancer" {
    for_each = each.value.lb != null ? [each.value.lb] : []
    content {
      target_group_arn = load_balancer.value.tg
      container_name   = load_balancer.value.container
      container_port   = load_balancer.value.port
    }
  }

  tags = local.tags

  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [aws_lb_listener_rule.backend, aws_lb_listener_rule.frontend, aws_ecs_cluster_capacity_providers.this]
}
