# Run once per account with local state:
#   terraform init && terraform apply -var state_bucket_name=acme-terraform-state -var repository=acme/webapp
terraform {
  # Same floor as the other roots, so one Terraform runs them all (tests need 1.7).
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

module "bootstrap" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/bootstrap?ref=v1.0.0"

  state_bucket_name = var.state_bucket_name
  tags              = var.tags
}

# Every role the modules create carries one of these boundaries.
module "boundaries" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/permissions-boundaries?ref=v1.0.0"

  tags = var.tags
}

locals {
  account   = data.aws_caller_identity.current.account_id
  role_arn  = "arn:aws:iam::${local.account}:role"
  workflows = "${var.workflows_repository}/.github/workflows"
  # Terraform's S3 lockfile is <key>.tflock, hence the trailing *.
  prod_state_keys    = ["${var.prod_state_key}", "${var.prod_state_key}.tflock"]
  preview_state_keys = ["env:/*/${var.adhoc_state_key}", "env:/*/${var.adhoc_state_key}.tflock"]
}

# Three roles, three trust boundaries (the plan role is in plan.tf). Production's: only jobs
# running in the GitHub environment `production` (its required reviewers approve first) AND
# running one of this product's reusable workflows at a release tag (terraform.yml's apply job
# of the prod infrastructure included); it reaches only the prod cluster, prod's state and the
# roles under prod's IAM path.
module "github_oidc_production" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/github-oidc?ref=v1.0.0"

  repository               = var.repository
  role_name                = "github-actions-production"
  permissions_boundary_arn = module.boundaries.deploy_boundary_arn
  subject_claims           = ["repo:${var.repository}:environment:production"]
  job_workflow_refs        = [for w in ["production-deploy.yml", "app-update.yml", "terraform.yml", "rollback.yml"] : "${local.workflows}/${w}@${var.workflows_ref}"]

  ecs_cluster_names   = [var.prod_cluster_name]
  log_group_prefix    = "/ecs/${var.prod_cluster_name}/"
  ecr_repository_arns = values(module.bootstrap.ecr_repository_arns)
  pass_role_arns      = ["${local.role_arn}${var.prod_iam_role_path}*"]
  state_bucket_arn    = module.bootstrap.state_bucket_arn
  state_object_keys   = local.prod_state_keys
  tags                = var.tags
}

# Previews and ad hoc environments: pull-request jobs, dispatched/scheduled jobs on a branch
# (ad hoc, janitor) and jobs in a `preview` environment of this repository (preview_contexts). Every cluster but prod's, only the ad hoc workspaces' state (plus a read of
# the shared state) and only roles under the ad hoc IAM path; prod's cluster, roles and state
# are denied explicitly as well, so no later grant (additional_policy_arns) can reopen them.
module "github_oidc" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/github-oidc?ref=v1.0.0"

  repository               = var.repository
  create_oidc_provider     = false
  oidc_provider_arn        = module.github_oidc_production.oidc_provider_arn
  role_name                = "github-actions-preview"
  permissions_boundary_arn = module.boundaries.deploy_boundary_arn
  subject_claims           = [for c in var.preview_contexts : "repo:${var.repository}:${c}"]

  ecr_repository_arns  = values(module.bootstrap.ecr_repository_arns)
  pass_role_arns       = ["${local.role_arn}${var.adhoc_iam_role_path}*"]
  state_bucket_arn     = module.bootstrap.state_bucket_arn
  state_object_keys    = local.preview_state_keys
  state_read_only_keys = [var.shared_state_key]
  # The ad hoc apply (ad-hoc-deploy, ad-hoc-destroy, pause, janitor) with nothing attached.
  environment_apply = {
    bucket_prefix            = var.adhoc_bucket_prefix
    iam_role_path            = var.adhoc_iam_role_path
    permissions_boundary_arn = module.boundaries.workload_boundary_arn
    secrets_prefix           = var.adhoc_secrets_prefix
    hosted_zone_ids          = var.hosted_zone_ids
    listener_arns            = ["arn:aws:elasticloadbalancing:${var.region}:${local.account}:listener/app/${var.adhoc_shared_name}-alb/*"]
  }
  deny = {
    environment_names = var.protected_environments
    ecs_cluster_names = var.protected_environments
    # Built from name and path (the module's defaults) so the policy is known at plan time.
    role_arns         = ["${local.role_arn}${var.prod_iam_role_path}*", "${local.role_arn}/github-actions/${module.github_oidc_production.role_name}", "${local.role_arn}/github-actions/github-actions-plan"]
    state_object_keys = local.prod_state_keys
  }
  tags = var.tags
}
