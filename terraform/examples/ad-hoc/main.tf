# One ad hoc environment per Terraform workspace; the workspace name is the environment
# name and envs/<name>.tfvars holds its settings (the ad-hoc-deploy workflow runs):
#   terraform init -backend-config=... && terraform workspace select -or-create feature-abc
#   terraform apply -var-file=envs/feature-abc.tfvars
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

  # Workspace states land under env:/<name>/<key>.
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, { environment = local.name })
  }
}

data "terraform_remote_state" "shared" {
  backend = "s3"
  config = {
    bucket = var.shared_state_bucket
    key    = var.shared_state_key
    region = var.region
  }
}

data "aws_caller_identity" "current" {}

locals {
  name     = coalesce(var.name, terraform.workspace)
  registry = coalesce(var.ecr_registry, "${data.aws_caller_identity.current.account_id}.dkr.ecr.${var.region}.amazonaws.com")
  # A repository given in full (<host>/<path>: the build account's, for staging in a production
  # account of its own) is taken as it is; a name is this registry's.
  repositories = { for k, r in { backend = var.backend_repository, frontend = var.frontend_repository } : k => strcontains(split("/", r)[0], ".") ? r : "${local.registry}/${r}" }
  shared       = data.terraform_remote_state.shared.outputs.shared
}

check "workspace_matches_name" {
  assert {
    condition     = var.name == null || var.name == terraform.workspace
    error_message = "name (${coalesce(var.name, "-")}) differs from the workspace (${terraform.workspace}); select the workspace of the same name."
  }
}

module "environment" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/environment?ref=v1.0.0"

  name   = local.name
  domain = local.shared.domain

  vpc_id                           = local.shared.vpc_id
  subnet_ids                       = local.shared.app_subnet_ids
  assign_public_ip                 = local.shared.assign_public_ip
  app_security_group_id            = local.shared.app_security_group_id
  alb_listener_arn                 = local.shared.https_listener_arn
  alb_dns_name                     = local.shared.alb_dns_name
  alb_zone_id                      = local.shared.alb_zone_id
  alb_arn_suffix                   = local.shared.alb_arn_suffix
  route53_zone_id                  = local.shared.route53_zone_id
  service_discovery_namespace_id   = local.shared.service_discovery_namespace_id
  service_discovery_namespace_name = local.shared.service_discovery_namespace_name
  rds_address                      = local.shared.rds_address
  rds_port                         = local.shared.rds_port
  iam_role_path                    = local.shared.iam_role_path
  permissions_boundary_arn         = local.shared.permissions_boundary_arn
  secrets_prefix                   = local.shared.secrets_prefix

  # A digest (sha256:…) pins repo@sha256:…, anything else is a tag. Used for the first
  # revision only: later deploys set the image through the actions.
  backend_image  = "${local.repositories.backend}${startswith(var.backend_image_tag, "sha256:") ? "@" : ":"}${var.backend_image_tag}"
  frontend_image = "${local.repositories.frontend}${startswith(var.frontend_image_tag, "sha256:") ? "@" : ":"}${var.frontend_image_tag}"

  s3_bucket_prefix       = var.s3_bucket_prefix
  listener_priority_slot = var.listener_priority_slot
  environment_variables  = var.environment_variables
  # Django's key from the shared stack; the owner's password is the environment's own secret.
  secrets = merge({ SECRET_KEY = local.shared.django_secret_key_arn }, var.secrets)

  # The pause workflow applies with -var paused=true; any other apply (a deploy) resumes.
  paused     = var.paused
  keep_until = var.keep_until
}
