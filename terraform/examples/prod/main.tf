# Production: its own network, ALB and Multi-AZ database (the shared module with
# production settings) and one environment with on-demand Fargate, autoscaling and alarms.
terraform {
  # The workflows init the s3 backend with use_lockfile=true (1.10); the examples
  # are tested at 1.11.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }

  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

data "aws_caller_identity" "current" {}

locals {
  registry = coalesce(var.ecr_registry, "${data.aws_caller_identity.current.account_id}.dkr.ecr.${var.region}.amazonaws.com")
}

module "platform" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/shared?ref=v1.0.0"

  name                        = "prod"
  domain                      = var.domain
  route53_zone_id             = var.route53_zone_id
  certificate_arn             = var.certificate_arn
  azs                         = var.azs
  enable_nat_gateway          = true
  service_discovery_namespace = "prod.internal"
  # Apart from the ad hoc roles' /adhoc-actions/: the preview deploy role may pass only those.
  iam_role_path           = "/adhoc-actions-prod/"
  alb_deletion_protection = true
  db_instance_class       = "db.t4g.medium"
  db_multi_az             = true
  # Disaster recovery: 14 days of automated backups = point-in-time restore to any second of
  # the last 14 days (RDS ships transaction logs about every 5 minutes, so the newest
  # restorable time is a few minutes old); no deletion without first lifting protection;
  # a final snapshot on destroy; automated backups kept after a deletion.
  db_backup_retention_days    = 14
  db_backup_window            = "03:00-03:30"
  db_deletion_protection      = true
  db_skip_final_snapshot      = false
  db_delete_automated_backups = false
  # The workload boundary bootstrap created in this account.
  permissions_boundary_arn = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:policy/adhoc-actions-boundaries/workload-boundary"
}

resource "aws_sns_topic" "alarms" {
  name = "prod-alarms"
}

module "app" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/environment?ref=v1.0.0"

  name     = "prod"
  domain   = var.domain
  hostname = var.hostname

  vpc_id                           = module.platform.vpc_id
  subnet_ids                       = module.platform.app_subnet_ids
  assign_public_ip                 = module.platform.assign_public_ip
  app_security_group_id            = module.platform.app_security_group_id
  alb_listener_arn                 = module.platform.https_listener_arn
  alb_dns_name                     = module.platform.alb_dns_name
  alb_zone_id                      = module.platform.alb_zone_id
  alb_arn_suffix                   = module.platform.alb_arn_suffix
  route53_zone_id                  = module.platform.route53_zone_id
  service_discovery_namespace_id   = module.platform.service_discovery_namespace_id
  service_discovery_namespace_name = module.platform.service_discovery_namespace_name
  rds_address                      = module.platform.rds_address
  rds_port                         = module.platform.rds_port
  iam_role_path                    = module.platform.iam_role_path
  permissions_boundary_arn         = module.platform.permissions_boundary_arn
  secrets_prefix                   = module.platform.secrets_prefix
  secret_recovery_window_days      = 30

  # A digest (sha256:…) pins repo@sha256:…, anything else is a tag. Used for the first
  # revision only: later deploys set the image through the actions.
  backend_image  = "${local.registry}/backend${startswith(var.backend_image_tag, "sha256:") ? "@" : ":"}${var.backend_image_tag}"
  frontend_image = "${local.registry}/frontend${startswith(var.frontend_image_tag, "sha256:") ? "@" : ":"}${var.frontend_image_tag}"

  # The only environment on this ALB: a fixed slot.
  listener_priority_slot = 0
  s3_bucket_prefix       = var.s3_bucket_prefix
  s3_force_destroy       = false
  log_retention_days     = 90
  container_insights     = true

  # On-demand baseline, spot for the burst.
  capacity_provider_strategy = [
    { capacity_provider = "FARGATE", weight = 1, base = 2 },
    { capacity_provider = "FARGATE_SPOT", weight = 1 },
  ]
  task_sizes = {
    gunicorn = { cpu = 512, memory = 1024 }
    celery   = { cpu = 512, memory = 1024 }
  }
  desired_counts = { gunicorn = 2, celery = 1, frontend = 2 }

  autoscaling_enabled  = true
  gunicorn_scaling     = { min_count = 2, max_count = 10, cpu_target = 60, requests_per_target = 1000 }
  celery_scaling       = { min_count = 1, max_count = 6, cpu_target = 70 }
  alarms_enabled       = true
  alarm_sns_topic_arns = [aws_sns_topic.alarms.arn]

  environment_variables = var.environment_variables
  secrets               = merge({ SECRET_KEY = module.platform.django_secret_key_arn }, var.secrets)
}
