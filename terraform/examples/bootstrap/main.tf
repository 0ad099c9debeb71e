# Run once per account with local state:
#   terraform init && terraform apply -var state_bucket_name=acme-terraform-state -var repository=acme/webapp
terraform {
  # Same floor as the other roots, so one Terraform runs them all (tests need 1.7).
  required_version = ">= 1.11"

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
  # The task roles an ad hoc apply (a pull request's job) may write never reach state or reports.
  state_denied_principal_arns = ["${local.role_arn}${var.adhoc_iam_role_path}*"]
  # Whatever an identity policy grants, only main's build pushes where production deploys from.
  ecr_release_pusher_arns = ["${local.role_arn}/github-actions/github-actions-build"]
  tags                    = var.tags
}

# Every role the modules create carries one of these boundaries.
module "boundaries" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/permissions-boundaries?ref=v1.0.0"

  # Production's and the previews' task roles share this account and its boundary: a role a
  # preview's apply writes may name any secret, so the boundary keeps each protected tier's
  # secrets to that tier's own roles (prod's under its IAM path, staging's named staging-*,
  # which the preview role may not create). The RDS master secrets (rds!…, both stacks') are
  # read by prod's roles and the shared stack's execution role (the db-admin task), which the
  # preview role may pass but not change (deny.fixed_role_arns).
  protected_secrets = concat([
    { secret_arns = ["${local.secret_arn}${var.prod_secrets_prefix}/*"], reader_arns = ["${local.role_arn}${var.prod_iam_role_path}*"] },
    { secret_arns = ["${local.secret_arn}rds!*"], reader_arns = ["${local.role_arn}${var.prod_iam_role_path}*", local.shared_execution_role_arn] },
    ], [for e in local.protected : {
      secret_arns = ["${local.secret_arn}${var.adhoc_secrets_prefix}/${e}/*"], reader_arns = ["${local.role_arn}${var.adhoc_iam_role_path}${e}-*"]
  }])
  tags = var.tags
}

locals {
  account  = data.aws_caller_identity.current.account_id
  role_arn = "arn:aws:iam::${local.account}:role"
  # Built from names, so the boundary is known at plan time.
  secret_arn                = "arn:aws:secretsmanager:${var.region}:${local.account}:secret:"
  shared_execution_role_arn = "${local.role_arn}${var.adhoc_iam_role_path}${var.adhoc_shared_name}-ecs-task-execution"
  workflows                 = "${var.workflows_repository}/.github/workflows"
  # Terraform's S3 lockfile is <key>.tflock, hence the trailing *.
  prod_state_keys    = ["${var.prod_state_key}", "${var.prod_state_key}.tflock"]
  preview_state_keys = ["env:/*/${var.adhoc_state_key}", "env:/*/${var.adhoc_state_key}.tflock"]
  protected          = distinct(concat([var.prod_cluster_name, var.staging_name], var.protected_environments))
  staging_state_keys = ["env:/${var.staging_name}/${var.adhoc_state_key}", "env:/${var.staging_name}/${var.adhoc_state_key}.tflock"]
}

# Five roles, each its own trust boundary (the plan, build and review roles are in roles.tf). Production's: only jobs
# running in the GitHub environment `production` (its required reviewers approve first) AND
# running one of this product's reusable workflows at a release tag (terraform.yml's apply job
# of the prod infrastructure included); it reaches only the prod cluster, prod's state and the
# roles under prod's IAM path.
module "github_oidc_production" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/github-oidc?ref=v1.0.0"

  repository               = var.repository
  role_name                = "github-actions-production"
  permissions_boundary_arn = module.boundaries.deploy_boundary_arn
  # Staging is of the production tier: its deploy (ad-hoc-deploy in the GitHub environment
  # staging) assumes this role too.
  subject_claims    = ["repo:${var.repository}:environment:production", "repo:${var.repository}:environment:${var.staging_name}"]
  job_workflow_refs = [for w in ["production-deploy.yml", "app-update.yml", "terraform.yml", "rollback.yml", "ad-hoc-deploy.yml"] : "${local.workflows}/${w}@${var.workflows_ref}"]

  ecs_cluster_names = [var.prod_cluster_name, var.staging_name]
  # Reads the images it deploys; only the build role (roles.tf) pushes to these repositories.
  ecr_read_repository_arns = values(module.bootstrap.ecr_repository_arns)
  # Staging's database is made with the shared stack's db-admin task (create-database reads its log).
  readable_log_groups = ["/ecs/${var.adhoc_shared_name}/db-admin"]
  # Prod's roles, and staging's on the shared stack (its task role, the shared execution role).
  pass_role_arns       = ["${local.role_arn}${var.prod_iam_role_path}*", "${local.role_arn}${var.adhoc_iam_role_path}${var.staging_name}-*", "${local.role_arn}${var.adhoc_iam_role_path}${var.adhoc_shared_name}-ecs-task-execution"]
  state_bucket_arn     = module.bootstrap.state_bucket_arn
  state_object_keys    = concat(local.prod_state_keys, local.staging_state_keys)
  state_read_only_keys = [var.shared_state_key]
  # Prod's and staging's failure reports stay in this tier (never a workflow artifact).
  report_object_keys = [for e in local.protected : "failure-reports/${e}/*"]
  # The prod root (terraform.yml's apply job, after its plan is approved).
  infrastructure_apply = {
    iam_role_path            = var.prod_iam_role_path
    permissions_boundary_arn = module.boundaries.workload_boundary_arn
    secrets_prefix           = var.prod_secrets_prefix
  }
  # Staging is applied like an ad hoc environment (the ad hoc root, workspace staging).
  environment_apply = {
    bucket_prefix            = var.adhoc_bucket_prefix
    iam_role_path            = var.adhoc_iam_role_path
    permissions_boundary_arn = module.boundaries.workload_boundary_arn
    secrets_prefix           = var.adhoc_secrets_prefix
    hosted_zone_ids          = var.hosted_zone_ids
    listener_arns            = ["arn:aws:elasticloadbalancing:${var.region}:${local.account}:listener/app/${var.adhoc_shared_name}-alb/*"]
  }
  tags = var.tags
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

  # Pull requests and branches push to the preview twins only: a tag they push can never be
  # what main's build or a production deploy finds. Main's images may be pulled (an ad hoc
  # environment of a released digest), not pushed.
  ecr_repository_arns      = values(module.bootstrap.ecr_preview_repository_arns)
  ecr_read_repository_arns = values(module.bootstrap.ecr_repository_arns)
  pass_role_arns           = ["${local.role_arn}${var.adhoc_iam_role_path}*"]
  state_bucket_arn         = module.bootstrap.state_bucket_arn
  state_object_keys        = local.preview_state_keys
  state_read_only_keys     = [var.shared_state_key]
  # doctor runs with this role (examples/django-repo/.github/workflows/doctor.yml).
  preflight = { secrets_prefix = var.adhoc_secrets_prefix }
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
    environment_names = local.protected
    ecs_cluster_names = local.protected
    # Built from name and path (the module's defaults) so the policy is known at plan time.
    role_arns = ["${local.role_arn}${var.prod_iam_role_path}*", "${local.role_arn}/github-actions/${module.github_oidc_production.role_name}", "${local.role_arn}/github-actions/github-actions-plan", "${local.role_arn}/github-actions/github-actions-review"]
    # The shared stack's execution role reads the previews' RDS master secret for the db-admin
    # task a preview's deploy runs: passed, never given another policy.
    fixed_role_arns = [local.shared_execution_role_arn]
    # Protected environments' failure reports too: a preview's own are workflow artifacts.
    state_object_keys = concat(local.prod_state_keys, local.staging_state_keys, ["failure-reports/*"])
    # Terraform lists only env:/ (the workspaces); the report keys (which run of prod failed)
    # stay unlisted, and the bucket's policy is out of reach even where the apply's bucket
    # prefix matches its name.
    state_list_prefixes = ["env:/"]
  }
  tags = var.tags
}
