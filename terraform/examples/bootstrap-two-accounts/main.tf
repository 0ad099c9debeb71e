# The stronger layout: production in an account of its own. Run once, with local state, from
# credentials that may assume an admin role in both accounts (an AWS Organizations management
# account's OrganizationAccountAccessRole, say):
#   terraform init && terraform apply -var repository=acme/webapp \
#     -var production_account_role_arn=arn:aws:iam::<prod>:role/OrganizationAccountAccessRole \
#     -var preview_account_role_arn=arn:aws:iam::<preview>:role/OrganizationAccountAccessRole
#
# - The production account holds prod and staging: clusters, state, secrets, logs, network,
#   github-actions-production and github-actions-plan. No role of the preview account is
#   trusted there, so nothing a pull request runs can reach them, by any API.
# - The preview/build account holds the previews (github-actions-preview, their state, shared
#   stack and environments) and the images: main's build (github-actions-build) pushes the
#   release repositories, which production pulls by digest across accounts; pull requests
#   push only to the preview twins. The release repositories' own policy denies every push
#   but the build role's and lets the production account only pull.
# terraform/examples/bootstrap is the one-account layout (weaker: SECURITY.md).
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}

provider "aws" {
  alias  = "production"
  region = var.region
  assume_role {
    role_arn = var.production_account_role_arn
  }
}

provider "aws" {
  alias  = "preview"
  region = var.region
  assume_role {
    role_arn = var.preview_account_role_arn
  }
}

data "aws_caller_identity" "production" {
  provider = aws.production
}

data "aws_caller_identity" "preview" {
  provider = aws.preview
}

locals {
  workflows          = "${var.workflows_repository}/.github/workflows"
  production_account = data.aws_caller_identity.production.account_id
  preview_account    = data.aws_caller_identity.preview.account_id
  production_roles   = "arn:aws:iam::${local.production_account}:role"
  preview_roles      = "arn:aws:iam::${local.preview_account}:role"
  # Terraform's S3 lockfile is <key>.tflock.
  prod_state_keys    = [var.prod_state_key, "${var.prod_state_key}.tflock"]
  staging_state_keys = ["env:/${var.staging_name}/${var.adhoc_state_key}", "env:/${var.staging_name}/${var.adhoc_state_key}.tflock"]
  preview_state_keys = ["env:/*/${var.adhoc_state_key}", "env:/*/${var.adhoc_state_key}.tflock"]
  build_role_arn     = "${local.preview_roles}/github-actions/github-actions-build"
}

################################################################################
# Production account
################################################################################

# State only: the images production runs stay in the build account's release repositories.
module "production_state" {
  source    = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/bootstrap?ref=v1.0.0"
  providers = { aws = aws.production }

  state_bucket_name = var.production_state_bucket_name
  ecr_repositories  = []
  tags              = var.tags
}

module "production_boundaries" {
  source    = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/permissions-boundaries?ref=v1.0.0"
  providers = { aws = aws.production }

  tags = var.tags
}

# Only jobs in the GitHub environments production and staging, running this product's reusable
# workflows at a release; prod and staging are the only environments of this account.
module "github_oidc_production" {
  source    = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/github-oidc?ref=v1.0.0"
  providers = { aws = aws.production }

  repository               = var.repository
  role_name                = "github-actions-production"
  permissions_boundary_arn = module.production_boundaries.deploy_boundary_arn
  subject_claims           = ["repo:${var.repository}:environment:production", "repo:${var.repository}:environment:${var.staging_name}"]
  job_workflow_refs        = [for w in ["production-deploy.yml", "app-update.yml", "terraform.yml", "rollback.yml", "ad-hoc-deploy.yml"] : "${local.workflows}/${w}@${var.workflows_ref}"]

  ecs_cluster_names = [var.prod_cluster_name, var.staging_name]
  # Main's images, across accounts: the repositories' policy lets this account pull them.
  ecr_read_repository_arns = values(module.preview_account.ecr_repository_arns)
  # Staging is made on this account's own shared stack; create-database reads its db-admin log.
  readable_log_groups  = ["/ecs/${var.shared_name}/db-admin"]
  pass_role_arns       = ["${local.production_roles}${var.prod_iam_role_path}*", "${local.production_roles}${var.adhoc_iam_role_path}${var.staging_name}-*"]
  state_bucket_arn     = module.production_state.state_bucket_arn
  state_object_keys    = concat(local.prod_state_keys, local.staging_state_keys)
  state_read_only_keys = [var.shared_state_key]
  # Prod's and staging's failure reports stay in this account (never a workflow artifact).
  report_object_keys = [for e in [var.prod_cluster_name, var.staging_name] : "failure-reports/${e}/*"]
  infrastructure_apply = {
    iam_role_path            = var.prod_iam_role_path
    permissions_boundary_arn = module.production_boundaries.workload_boundary_arn
    secrets_prefix           = var.prod_secrets_prefix
  }
  environment_apply = {
    bucket_prefix            = var.staging_bucket_prefix
    iam_role_path            = var.adhoc_iam_role_path
    permissions_boundary_arn = module.production_boundaries.workload_boundary_arn
    secrets_prefix           = var.secrets_prefix
    hosted_zone_ids          = var.production_hosted_zone_ids
    listener_arns            = ["arn:aws:elasticloadbalancing:${var.region}:${local.production_account}:listener/app/${var.shared_name}-alb/*"]
  }
  tags = var.tags
}

module "production_plan_role" {
  source    = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/main-branch-roles?ref=v1.0.0"
  providers = { aws = aws.production }

  oidc_provider_arn        = module.github_oidc_production.oidc_provider_arn
  repository               = var.repository
  workflows_repository     = var.workflows_repository
  workflows_ref            = var.workflows_ref
  permissions_boundary_arn = module.production_boundaries.deploy_boundary_arn
  plan = {
    state_bucket_name     = var.production_state_bucket_name
    state_key             = var.prod_state_key
    bucket_names          = [var.prod_bucket_name]
    read_only_policy_arns = var.plan_read_only_policy_arns
  }
  # What production-deploy's approval would deploy, shown before it (app-update's review job).
  review = { cluster_names = [var.prod_cluster_name], secrets_prefixes = [var.prod_secrets_prefix] }
  tags   = var.tags
}

################################################################################
# Preview/build account
################################################################################

module "preview_account" {
  source    = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/bootstrap?ref=v1.0.0"
  providers = { aws = aws.preview }

  state_bucket_name = var.preview_state_bucket_name
  # Whatever an identity policy of this account grants, only main's build pushes where
  # production deploys from; the production account pulls.
  ecr_release_pusher_arns        = [local.build_role_arn]
  ecr_release_reader_account_ids = [local.production_account]
  tags                           = var.tags
}

module "preview_boundaries" {
  source    = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/permissions-boundaries?ref=v1.0.0"
  providers = { aws = aws.preview }

  tags = var.tags
}

# Pull requests, branches and `preview` environment jobs. Every environment of this account is
# a preview: no deny list is needed, as nothing of production is here.
module "github_oidc" {
  source    = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/github-oidc?ref=v1.0.0"
  providers = { aws = aws.preview }

  repository               = var.repository
  role_name                = "github-actions-preview"
  permissions_boundary_arn = module.preview_boundaries.deploy_boundary_arn
  subject_claims           = [for c in var.preview_contexts : "repo:${var.repository}:${c}"]

  ecr_repository_arns      = values(module.preview_account.ecr_preview_repository_arns)
  ecr_read_repository_arns = values(module.preview_account.ecr_repository_arns)
  pass_role_arns           = ["${local.preview_roles}${var.adhoc_iam_role_path}*"]
  state_bucket_arn         = module.preview_account.state_bucket_arn
  state_object_keys        = local.preview_state_keys
  state_read_only_keys     = [var.shared_state_key]
  preflight                = { secrets_prefix = var.secrets_prefix }
  environment_apply = {
    bucket_prefix            = var.preview_bucket_prefix
    iam_role_path            = var.adhoc_iam_role_path
    permissions_boundary_arn = module.preview_boundaries.workload_boundary_arn
    secrets_prefix           = var.secrets_prefix
    hosted_zone_ids          = var.preview_hosted_zone_ids
    listener_arns            = ["arn:aws:elasticloadbalancing:${var.region}:${local.preview_account}:listener/app/${var.shared_name}-alb/*"]
  }
  tags = var.tags
}

module "build_role" {
  source    = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/main-branch-roles?ref=v1.0.0"
  providers = { aws = aws.preview }

  oidc_provider_arn        = module.github_oidc.oidc_provider_arn
  repository               = var.repository
  workflows_repository     = var.workflows_repository
  workflows_ref            = var.workflows_ref
  permissions_boundary_arn = module.preview_boundaries.deploy_boundary_arn
  build                    = { push_repository_arns = values(module.preview_account.ecr_repository_arns) }
  tags                     = var.tags
}
