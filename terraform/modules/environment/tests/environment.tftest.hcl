mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
  # ARNs the provider validates when another resource uses them (apply runs).
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123456789abcdef" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/adhoc-actions/feature-abc-task" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/feature-abc" }
  }
  mock_resource "aws_service_discovery_service" {
    defaults = { arn = "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

# Shared-infrastructure inputs as the shared module would output them.
variables {
  secrets_prefix                   = "adhoc"
  permissions_boundary_arn         = "arn:aws:iam::123456789012:policy/adhoc-actions-boundaries/workload-boundary"
  name                             = "feature-abc"
  domain                           = "dev.example.com"
  vpc_id                           = "vpc-0123456789abcdef0"
  subnet_ids                       = ["subnet-aaaa", "subnet-bbbb"]
  assign_public_ip                 = true
  app_security_group_id            = "sg-app"
  alb_listener_arn                 = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/adhoc-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"
  alb_dns_name                     = "adhoc-alb-123.eu-west-1.elb.amazonaws.com"
  alb_zone_id                      = "Z32O12XQLNTSW2"
  alb_arn_suffix                   = "app/adhoc-alb/50dc6c495c0c9188"
  route53_zone_id                  = "Z0123456789ABCDEFGHIJ"
  service_discovery_namespace_id   = "ns-abc"
  service_discovery_namespace_name = "adhoc.internal"
  rds_address                      = "adhoc.abc.eu-west-1.rds.amazonaws.com"
  backend_image                    = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:abc123"
  frontend_image                   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/frontend:abc123"
  s3_bucket_prefix                 = "acme-adhoc-"
  secrets = {
    POSTGRES_PASSWORD = "arn:aws:ssm:eu-west-1:123456789012:parameter/adhoc/feature-abc/db-password"
    SECRET_KEY        = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adhoc/django-secret-key"
  }
}

run "names_derive_from_the_environment_name" {
  command = plan

  assert {
    condition     = aws_ecs_cluster.this.name == "feature-abc"
    error_message = "Cluster is named after the environment."
  }

  assert {
    condition     = aws_lb_target_group.gunicorn.name == "feature-abc-gunicorn" && aws_lb_target_group.frontend.name == "feature-abc-frontend"
    error_message = "Target group names derive from the environment name."
  }

  assert {
    condition     = aws_service_discovery_service.redis.name == "feature-abc-redis"
    error_message = "Redis registers as <name>-redis."
  }

  assert {
    condition     = aws_s3_bucket.this.bucket == "acme-adhoc-feature-abc" && output.s3_bucket_name == "acme-adhoc-feature-abc"
    error_message = "Bucket is <prefix><name>."
  }

  assert {
    condition     = aws_iam_role.task.name == "feature-abc-task"
    error_message = "Task role derives from the name."
  }

  assert {
    condition     = output.database_name == "feature_abc"
    error_message = "Database name is the name with '_' for '-'."
  }

  assert {
    condition     = output.url == "https://feature-abc.dev.example.com" && aws_route53_record.this[0].name == "feature-abc.dev.example.com"
    error_message = "URL and DNS record are <name>.<domain>."
  }

  assert {
    condition = output.service_names == {
      gunicorn = "feature-abc-gunicorn", celery = "feature-abc-celery", beat = "feature-abc-beat",
      frontend = "feature-abc-frontend", redis = "feature-abc-redis"
    }
    error_message = "Service names map has every component."
  }

  assert {
    condition     = output.task_families.migrate == "feature-abc-migrate" && output.backend_task_families == ["feature-abc-gunicorn", "feature-abc-celery", "feature-abc-beat", "feature-abc-migrate"]
    error_message = "Task families include the backend services and the one-off migrate family."
  }

  assert {
    condition     = output.log_groups.gunicorn == "/ecs/feature-abc/gunicorn" && length(output.log_groups) == 6
    error_message = "One log group per component."
  }

  assert {
    condition     = output.network_configuration.subnets == tolist(["subnet-aaaa", "subnet-bbbb"]) && length(output.network_configuration.security_groups) == 2 && output.network_configuration.security_groups[0] == "sg-app" && output.network_configuration.assign_public_ip
    error_message = "Network settings for one-off tasks."
  }
}

run "longest_valid_name_fits_every_aws_limit" {
  command = plan

  variables {
    name = "abcdefghij-klmnopq-9" # 20 characters
  }

  assert {
    condition     = length(aws_lb_target_group.gunicorn.name) <= 32 && length(aws_lb_target_group.frontend.name) <= 32
    error_message = "Target group names must fit 32 characters."
  }

  assert {
    condition     = length(aws_iam_role.task.name) <= 64
    error_message = "IAM role names must fit 64 characters."
  }

  assert {
    condition     = length(aws_s3_bucket.this.bucket) <= 63 && lower(aws_s3_bucket.this.bucket) == aws_s3_bucket.this.bucket
    error_message = "Bucket names must be lowercase and fit 63 characters."
  }

  assert {
    condition     = length(aws_service_discovery_service.redis.name) <= 63
    error_message = "Cloud Map names must fit a DNS label."
  }

  assert {
    condition     = alltrue([for s in output.service_names : length(s) <= 255]) && alltrue([for f in output.task_families : length(f) <= 255])
    error_message = "ECS names must fit 255 characters."
  }
}

run "host_and_path_routing" {
  command = plan

  variables {
    listener_priority_slot = 7
  }

  assert {
    condition = toset(flatten([
      for r in aws_lb_listener_rule.backend : [for c in r.condition : c.path_pattern[0].values if length(c.path_pattern) > 0]
    ])) == toset(["/api/*", "/admin/*", "/graphql", "/static/*"])
    error_message = "Every backend path is routed to gunicorn."
  }

  assert {
    condition = alltrue([
      for r in concat(aws_lb_listener_rule.backend, [aws_lb_listener_rule.frontend]) :
      anytrue([for c in r.condition : length(c.host_header) > 0 && try(c.host_header[0].values == toset(["feature-abc.dev.example.com"]), false)])
    ])
    error_message = "Every rule matches the environment's host."
  }

  assert {
    condition     = alltrue([for r in aws_lb_listener_rule.backend : length(flatten([for c in r.condition : concat(tolist(try(c.host_header[0].values, [])), tolist(try(c.path_pattern[0].values, [])))])) <= 5])
    error_message = "A rule has at most 5 condition values."
  }

  assert {
    condition     = output.listener_rule_priorities == [71, 72, 80]
    error_message = "Slot 7 uses priorities 71..80, path rules before the host catch-all."
  }

  assert {
    condition     = aws_lb_listener_rule.frontend.priority > max([for r in aws_lb_listener_rule.backend : r.priority]...)
    error_message = "The frontend catch-all must come after the path rules."
  }

  assert {
    condition     = aws_lb_target_group.gunicorn.health_check[0].path == "/api/health/" && aws_lb_target_group.gunicorn.target_type == "ip"
    error_message = "Gunicorn target group checks /api/health/ on task IPs."
  }
}

run "routed_paths_are_a_variable" {
  command = plan

  variables {
    backend_paths = ["/api/*", "/admin/*", "/graphql", "/static/*", "/media/*", "/ws/*", "/healthz"]
  }

  assert {
    condition     = length(aws_lb_listener_rule.backend) == 3
    error_message = "7 paths need 3 rules of at most 3 paths."
  }

  assert {
    condition     = length(distinct(output.listener_rule_priorities)) == 4
    error_message = "Every rule has its own priority."
  }
}

run "env_one" {
  command = plan

  variables {
    name = "feature-abc"
  }
}

run "env_two_has_disjoint_priorities" {
  command = plan

  variables {
    name = "feature-xyz"
  }

  assert {
    condition     = length(setintersection(toset(run.env_one.listener_rule_priorities), toset(output.listener_rule_priorities))) == 0
    error_message = "Two environments on the shared listener must not share a priority."
  }

  assert {
    condition     = alltrue([for p in output.listener_rule_priorities : p >= 1 && p <= 50000])
    error_message = "Priorities must be within 1..50000."
  }
}

run "explicit_slots_are_disjoint" {
  command = plan

  variables {
    name                   = "pr-1"
    listener_priority_slot = 0
  }

  assert {
    condition     = output.listener_rule_priorities == [1, 2, 10]
    error_message = "Slot 0 uses priorities 1..10."
  }
}

run "explicit_slot_neighbour" {
  command = plan

  variables {
    name                   = "pr-2"
    listener_priority_slot = 1
  }

  assert {
    condition     = length(setintersection(toset(run.explicit_slots_are_disjoint.listener_rule_priorities), toset(output.listener_rule_priorities))) == 0
    error_message = "Neighbouring slots never overlap."
  }
}

run "ad_hoc_services_on_spot_with_rollback" {
  command = plan

  assert {
    condition     = length(aws_ecs_service.this) == 5 && length(aws_ecs_service.autoscaled) == 0
    error_message = "Ad hoc: five services, none autoscaled."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.this : s.deployment_circuit_breaker[0].enable && s.deployment_circuit_breaker[0].rollback])
    error_message = "Every service has the circuit breaker with rollback."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.this : [for c in s.capacity_provider_strategy : c.capacity_provider] == ["FARGATE_SPOT"]])
    error_message = "Ad hoc services run on Fargate Spot."
  }

  assert {
    condition     = toset(aws_ecs_cluster_capacity_providers.this.capacity_providers) == toset(["FARGATE", "FARGATE_SPOT"])
    error_message = "Cluster offers FARGATE and FARGATE_SPOT."
  }

  assert {
    condition     = aws_ecs_service.this["beat"].desired_count == 1 && aws_ecs_service.this["beat"].deployment_maximum_percent == 100
    error_message = "Exactly one beat, never two during a deployment."
  }

  assert {
    condition     = length(aws_ecs_service.this["redis"].service_registries) == 1 && length(aws_ecs_service.this["celery"].service_registries) == 0
    error_message = "Only redis registers in Cloud Map."
  }

  assert {
    condition     = length(aws_ecs_service.this["gunicorn"].load_balancer) == 1 && one(aws_ecs_service.this["gunicorn"].load_balancer).container_name == "backend"
    error_message = "Gunicorn is behind its target group."
  }
}

# apply: container definitions read the images frozen in terraform_data, known after apply.
run "task_definitions_log_and_connect" {
  command = apply

  assert {
    condition = alltrue([
      for k, t in aws_ecs_task_definition.this : alltrue([
        for c in jsondecode(t.container_definitions) :
        c.logConfiguration.logDriver == "awslogs" &&
        c.logConfiguration.options["awslogs-group"] == "/ecs/feature-abc/${k}" &&
        c.logConfiguration.options["awslogs-region"] == "eu-west-1" &&
        c.logConfiguration.options["awslogs-stream-prefix"] == k
      ])
    ])
    error_message = "Every container logs with awslogs group/region/stream-prefix."
  }

  assert {
    condition = alltrue([
      for k in ["gunicorn", "celery", "beat", "migrate"] :
      contains(jsondecode(aws_ecs_task_definition.this[k].container_definitions)[0].environment, { name = "REDIS_HOST", value = "feature-abc-redis.adhoc.internal" })
    ])
    error_message = "Backend containers get REDIS_HOST, the Cloud Map name."
  }

  assert {
    condition = contains(jsondecode(aws_ecs_task_definition.this["celery"].container_definitions)[0].environment, { name = "POSTGRES_NAME", value = "feature_abc" }) && contains(
    jsondecode(aws_ecs_task_definition.this["celery"].container_definitions)[0].environment, { name = "POSTGRES_HOST", value = "adhoc.abc.eu-west-1.rds.amazonaws.com" })
    error_message = "Backend containers get the database settings."
  }

  assert {
    condition = (
      contains(jsondecode(aws_ecs_task_definition.this["gunicorn"].container_definitions)[0].secrets, { name = "POSTGRES_PASSWORD", valueFrom = "arn:aws:ssm:eu-west-1:123456789012:parameter/adhoc/feature-abc/db-password" })
      && !anytrue([for e in jsondecode(aws_ecs_task_definition.this["gunicorn"].container_definitions)[0].environment : e.name == "POSTGRES_PASSWORD"])
    )
    error_message = "Secrets go through `secrets`, never plain environment."
  }

  assert {
    condition     = aws_ecs_task_definition.this["migrate"].family == "feature-abc-migrate" && jsondecode(aws_ecs_task_definition.this["migrate"].container_definitions)[0].command == ["python", "manage.py", "migrate", "--no-input"]
    error_message = "The one-off family runs migrate by default."
  }

  assert {
    condition     = alltrue([for t in aws_ecs_task_definition.this : t.network_mode == "awsvpc" && t.requires_compatibilities == toset(["FARGATE"])])
    error_message = "Fargate task definitions."
  }

  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.retention_in_days > 0])
    error_message = "Log retention is set."
  }
}

run "bucket_is_private_and_encrypted" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "Public access is blocked."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "Bucket is encrypted."
  }
}

run "production_autoscaling_alarms_on_demand" {
  command = plan

  variables {
    name                = "prod"
    hostname            = "app.example.com"
    autoscaling_enabled = true
    alarms_enabled      = true
    alarm_sns_topic_arns = [
      "arn:aws:sns:eu-west-1:123456789012:alerts",
    ]
    capacity_provider_strategy = [
      { capacity_provider = "FARGATE", weight = 1, base = 2 },
      { capacity_provider = "FARGATE_SPOT", weight = 1 },
    ]
    gunicorn_scaling = { min_count = 2, max_count = 8 }
    s3_force_destroy = false
  }

  assert {
    condition     = toset(keys(aws_ecs_service.autoscaled)) == toset(["gunicorn", "celery"]) && toset(keys(aws_ecs_service.this)) == toset(["beat", "frontend", "redis"])
    error_message = "Gunicorn and celery are owned by the autoscaler."
  }

  assert {
    condition     = aws_appautoscaling_target.this["gunicorn"].min_capacity == 2 && aws_appautoscaling_target.this["gunicorn"].max_capacity == 8
    error_message = "Gunicorn scales between min and max."
  }

  assert {
    condition     = aws_appautoscaling_target.this["gunicorn"].resource_id == "service/prod/prod-gunicorn"
    error_message = "Scaling target points at the gunicorn service."
  }

  assert {
    condition     = aws_appautoscaling_policy.cpu["celery"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization"
    error_message = "Celery scales on CPU."
  }

  assert {
    condition     = aws_appautoscaling_policy.gunicorn_requests[0].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget"
    error_message = "Gunicorn also scales on ALB requests."
  }

  assert {
    condition     = contains(keys(aws_cloudwatch_metric_alarm.this), "gunicorn-5xx") && aws_cloudwatch_metric_alarm.this["gunicorn-5xx"].metric_name == "HTTPCode_Target_5XX_Count"
    error_message = "5xx alarm on the gunicorn target group."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["gunicorn-cpu-high"].dimensions == tomap({ ClusterName = "prod", ServiceName = "prod-gunicorn" })
    error_message = "CPU alarm watches the gunicorn service."
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:alerts"])])
    error_message = "Alarms notify the SNS topics."
  }

  assert {
    condition = (
      toset([for c in aws_ecs_service.autoscaled["gunicorn"].capacity_provider_strategy : c.capacity_provider]) == toset(["FARGATE", "FARGATE_SPOT"])
      && anytrue([for c in aws_ecs_service.autoscaled["gunicorn"].capacity_provider_strategy : c.capacity_provider == "FARGATE" && c.base == 2])
    )
    error_message = "Production uses on-demand Fargate (mixed with spot here)."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.autoscaled : s.deployment_circuit_breaker[0].rollback])
    error_message = "Autoscaled services keep the circuit breaker."
  }

  assert {
    condition     = output.url == "https://app.example.com" && aws_s3_bucket.this.force_destroy == false
    error_message = "Production host name override and bucket kept on destroy."
  }
}

run "alarms_need_the_alb_suffix" {
  command = plan

  variables {
    alarms_enabled = true
    alb_arn_suffix = null
  }

  expect_failures = [aws_cloudwatch_metric_alarm.this]
}

run "rejects_name_too_long" {
  command = plan

  variables {
    name = "feature-with-a-long-name" # 24 characters: "<name>-frontend" would exceed 32
  }

  expect_failures = [var.name]
}

run "rejects_uppercase_name" {
  command = plan

  variables {
    name = "Feature-ABC"
  }

  expect_failures = [var.name]
}

run "rejects_invalid_characters" {
  command = plan

  variables {
    name = "feature_abc.x"
  }

  expect_failures = [var.name]
}

run "rejects_leading_digit_and_trailing_hyphen" {
  command = plan

  variables {
    name = "1feature-"
  }

  expect_failures = [var.name]
}

run "rejects_plain_text_secret" {
  command = plan

  variables {
    secrets = { SECRET_KEY = "hunter2" }
  }

  expect_failures = [var.secrets]
}

run "rejects_out_of_range_slot" {
  command = plan

  variables {
    listener_priority_slot = 5000
  }

  expect_failures = [var.listener_priority_slot]
}

run "rejects_bad_log_retention" {
  command = plan

  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}

# Old: Redis ran in the shared app group, which opened 6379 to every task of every
# environment. Now 6379 is open only within this environment's own group.
run "redis_only_from_the_environment" {
  command = apply

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.redis.security_group_id == aws_security_group.tasks.id &&
      aws_vpc_security_group_ingress_rule.redis.referenced_security_group_id == aws_security_group.tasks.id &&
      aws_vpc_security_group_ingress_rule.redis.from_port == 6379 && aws_vpc_security_group_ingress_rule.redis.to_port == 6379 &&
      aws_vpc_security_group_ingress_rule.redis.cidr_ipv4 == null && aws_vpc_security_group_ingress_rule.redis.cidr_ipv6 == null
    )
    error_message = "Redis must accept connections only from the environment's own security group."
  }

  assert {
    condition     = aws_security_group.tasks.name == "feature-abc-tasks" && aws_security_group.tasks.id != var.app_security_group_id
    error_message = "Each environment has its own task security group, apart from the shared app group."
  }

  assert {
    condition = alltrue([
      for s in aws_ecs_service.this : s.network_configuration[0].security_groups == toset(["sg-app", aws_security_group.tasks.id])
    ]) && contains(output.network_configuration.security_groups, aws_security_group.tasks.id)
    error_message = "Every service (Redis included) and one-off task runs in the shared app group (ALB, egress) and the environment's group."
  }
}

run "the_owner_password_is_the_environments_own_secret" {
  command = plan

  variables {
    secrets = { SECRET_KEY = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adhoc/django-secret-key-AbCdEf" }
  }

  # Old: one DATABASE_OWNER_PASSWORD for every environment and an SSM parameter nobody made.
  assert {
    condition     = aws_secretsmanager_secret.db_owner_password.name == "adhoc/feature-abc/db-owner-password" && aws_secretsmanager_secret.db_owner_password.recovery_window_in_days == 0
    error_message = "Each environment has its own owner-password secret, deleted at once with the environment so its name can be used again."
  }

  assert {
    condition = alltrue([for c in ["gunicorn", "celery", "beat", "migrate"] :
      contains([for s in jsondecode(aws_ecs_task_definition.this[c].container_definitions)[0].secrets : s.name], "POSTGRES_PASSWORD") &&
      contains([for s in jsondecode(aws_ecs_task_definition.this[c].container_definitions)[0].secrets : s.name], "SECRET_KEY")
    ])
    error_message = "Every backend container reads POSTGRES_PASSWORD from the environment's secret, beside the secrets given."
  }
}

# Old: Redis without AUTH, REDIS_URL in plain environment; any task that reached 6379 (another
# tier's included, with this environment's security group) could read and write the queue.
run "redis_requires_auth_with_the_environments_own_password" {
  command = apply

  assert {
    condition     = aws_secretsmanager_secret.redis_auth.name == "adhoc/feature-abc/redis-auth"
    error_message = "Each environment has its own redis-auth secret."
  }

  # Issue 21.4: a version Terraform writes is read back by every refresh, the unapproved plan's
  # included. The secret is made empty and asks the first deploy to generate it.
  assert {
    condition = (
      aws_secretsmanager_secret.redis_auth.tags["adhoc-actions:generate"] == "redis-auth" &&
      aws_secretsmanager_secret.redis_auth.tags["adhoc-actions:redis-address"] == "feature-abc-redis.adhoc.internal:6379"
    )
    error_message = "The redis-auth secret asks the deploy to generate it, with the address its url names."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["redis"].container_definitions)[0].secrets == [{ name = "REDIS_PASSWORD", valueFrom = "${aws_secretsmanager_secret.redis_auth.arn}:password::" }] &&
      strcontains(join(" ", jsondecode(aws_ecs_task_definition.this["redis"].container_definitions)[0].command), "requirepass $REDIS_PASSWORD")
    )
    error_message = "redis-server requires the password, read from the secret's password key (on stdin, not its command line)."
  }

  assert {
    condition = alltrue([for c in ["gunicorn", "celery", "beat", "migrate"] :
      contains(jsondecode(aws_ecs_task_definition.this[c].container_definitions)[0].secrets, { name = "REDIS_URL", valueFrom = "${aws_secretsmanager_secret.redis_auth.arn}:url::" }) &&
      !contains([for e in jsondecode(aws_ecs_task_definition.this[c].container_definitions)[0].environment : e.name], "REDIS_URL")
    ])
    error_message = "Backend containers read REDIS_URL, with the password, from the secret's url key, never from plain environment."
  }
}

# Old: every environment's tasks started with the shared execution role, which reads every
# <prefix>/* secret: a preview's revision naming staging's db-owner-password got its value.
run "the_execution_role_reads_only_its_own_secrets" {
  command = apply

  variables {
    secrets = {
      SECRET_KEY = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adhoc/django-secret-key-AbCdEf:key::"
      API_TOKEN  = "arn:aws:ssm:eu-west-1:123456789012:parameter/adhoc/feature-abc/api-token"
    }
  }

  assert {
    condition     = alltrue([for t in aws_ecs_task_definition.this : t.execution_role_arn == aws_iam_role.execution[0].arn])
    error_message = "Every revision starts with the environment's own execution role."
  }

  assert {
    condition = (
      aws_iam_role.execution[0].name == "feature-abc-execution" && aws_iam_role.execution[0].path == "/adhoc-actions/" &&
      aws_iam_role.execution[0].permissions_boundary == "arn:aws:iam::123456789012:policy/adhoc-actions-boundaries/workload-boundary"
    )
    error_message = "The execution role is named after the environment, under its IAM path, with the workload boundary."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.execution_secrets[0].policy).Statement == [
      {
        Sid      = "OwnAndNamedSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:adhoc/feature-abc/*", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adhoc/django-secret-key-AbCdEf*"]
      },
      {
        Sid      = "NamedParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameters"]
        Resource = ["arn:aws:ssm:eu-west-1:123456789012:parameter/adhoc/feature-abc/api-token"]
      },
    ]
    error_message = "The execution role reads <prefix>/<name>/* and exactly the secrets named (a JSON key's suffix stripped), not <prefix>/*."
  }
}

run "an_execution_role_given_replaces_the_environments_own" {
  command = plan

  variables {
    execution_role_arn = "arn:aws:iam::123456789012:role/adhoc-actions/adhoc-ecs-task-execution"
  }

  assert {
    condition     = length(aws_iam_role.execution) == 0 && alltrue([for t in aws_ecs_task_definition.this : t.execution_role_arn == "arn:aws:iam::123456789012:role/adhoc-actions/adhoc-ecs-task-execution"])
    error_message = "execution_role_arn, when given, is the role of every revision and none is made."
  }
}

# components.json is what the rehearsal's apply stand-in seeds the emulator from (instead of
# reading main.tf): the module's outputs must be what it declares, name for name.
run "the_outputs_are_what_components_json_declares" {
  command = apply

  assert {
    condition     = output.task_families == { for c in concat(jsondecode(file("components.json")).backend, jsondecode(file("components.json")).others) : c => replace(replace(jsondecode(file("components.json")).names.family, "<name>", var.name), "<component>", c) }
    error_message = "One family per declared component, named as components.json says."
  }

  assert {
    condition     = output.service_names == { for c in concat(jsondecode(file("components.json")).backend, jsondecode(file("components.json")).others) : c => replace(replace(jsondecode(file("components.json")).names.service, "<name>", var.name), "<component>", c) if !contains(jsondecode(file("components.json")).one_off, c) }
    error_message = "A service for every declared component but the one-off ones."
  }

  assert {
    condition     = output.backend_task_families == [for c in jsondecode(file("components.json")).backend : "${var.name}-${c}"]
    error_message = "The backend families, in the declared order."
  }

  assert {
    condition     = output.log_groups == { for c in concat(jsondecode(file("components.json")).backend, jsondecode(file("components.json")).others) : c => replace(replace(jsondecode(file("components.json")).names.log_group, "<name>", var.name), "<component>", c) }
    error_message = "A log group per declared component, named as declared."
  }

  assert {
    condition = (
      output.cluster_name == replace(jsondecode(file("components.json")).names.cluster, "<name>", var.name) &&
      output.database_name == replace(var.name, "-", "_") &&
      aws_secretsmanager_secret.db_owner_password.name == replace(replace(jsondecode(file("components.json")).names.owner_password_secret, "<secrets_prefix>", var.secrets_prefix), "<name>", var.name) &&
      aws_secretsmanager_secret.redis_auth.name == replace(replace(jsondecode(file("components.json")).names.redis_auth_secret, "<secrets_prefix>", var.secrets_prefix), "<name>", var.name)
    )
    error_message = "Cluster, database and secrets are named as components.json declares."
  }
}
