# components.json is what the rehearsal's apply stand-in seeds the emulator from (instead of
# reading main.tf): the module's outputs must be what it declares, name for name.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
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
}

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
