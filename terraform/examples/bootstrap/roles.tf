# The plan, build and review roles, trusted only for main: github-actions-plan (terraform.yml's
# plan of prod, before anyone approves: descriptions, never values), github-actions-build (main's
# build.yml: the only principal that pushes to the repositories staging and production deploy
# from; pull requests and branches build into the preview twins with the preview role) and
# github-actions-review (app-update's review job: the dry run production's reviewers read).
module "main_branch_roles" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/main-branch-roles?ref=v1.0.0"

  oidc_provider_arn        = module.github_oidc_production.oidc_provider_arn
  repository               = var.repository
  workflows_repository     = var.workflows_repository
  workflows_ref            = var.workflows_ref
  permissions_boundary_arn = module.boundaries.deploy_boundary_arn
  plan = {
    state_bucket_name     = var.state_bucket_name
    state_key             = var.prod_state_key
    bucket_names          = [var.prod_bucket_name]
    read_only_policy_arns = var.plan_read_only_policy_arns
  }
  build = { push_repository_arns = values(module.bootstrap.ecr_repository_arns) }
  # What production-deploy's approval would deploy, shown before it (app-update's review job).
  review = { cluster_names = [var.prod_cluster_name], secrets_prefixes = [var.prod_secrets_prefix] }
  tags   = var.tags
}

# These roles were resources of this root before the module.
moved {
  from = aws_iam_role.plan
  to   = module.main_branch_roles.aws_iam_role.plan[0]
}
moved {
  from = aws_iam_role_policy.plan
  to   = module.main_branch_roles.aws_iam_role_policy.plan[0]
}
moved {
  from = aws_iam_role_policy_attachment.plan_read_only
  to   = module.main_branch_roles.aws_iam_role_policy_attachment.plan_read_only
}
moved {
  from = aws_iam_role.build
  to   = module.main_branch_roles.aws_iam_role.build[0]
}
moved {
  from = aws_iam_role_policy.build
  to   = module.main_branch_roles.aws_iam_role_policy.build[0]
}
