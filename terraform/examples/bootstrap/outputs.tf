output "state_bucket_name" {
  description = "Repository variable STATE_BUCKET: the backend \"s3\" bucket of the other configurations (locked with an S3 lockfile, use_lockfile)."
  value       = module.bootstrap.state_bucket_name
}

output "ecr_repository_urls" {
  description = "Where CI pushes the backend and frontend images."
  value       = module.bootstrap.ecr_repository_urls
}

output "ecr_preview_repository_urls" {
  description = "Where pull-request and branch builds push (the preview twins; production never reads them)."
  value       = module.bootstrap.ecr_preview_repository_urls
}

output "build_role_arn" {
  description = "Repository variable BUILD_ROLE_ARN: role-to-assume of main's build (build.yml with release: true), the only role that pushes to the repositories production deploys from (github-actions-build)."
  value       = module.main_branch_roles.build_role_arn
}

output "preview_role_arn" {
  description = "Repository variable PREVIEW_ROLE_ARN: role-to-assume of the preview, ad hoc, pause and janitor workflows and of pull-request and branch builds (github-actions-preview)."
  value       = module.github_oidc.role_arn
}

output "production_role_arn" {
  description = "Repository variable PRODUCTION_ROLE_ARN: role-to-assume of staging, production-deploy, rollback of prod and terraform.yml's apply (github-actions-production)."
  value       = module.github_oidc_production.role_arn
}

output "plan_role_arn" {
  description = "Repository variable PLAN_ROLE_ARN: role-to-assume of terraform.yml's plan job (github-actions-plan)."
  value       = module.main_branch_roles.plan_role_arn
}

output "review_role_arn" {
  description = "Repository variable REVIEW_ROLE_ARN: review-role-to-assume of production-deploy, whose review job shows what the approval would deploy (github-actions-review, read-only)."
  value       = module.main_branch_roles.review_role_arn
}

output "workload_boundary_arn" {
  description = "Permissions boundary of the task and execution roles (the shared root's permissions_boundary_arn defaults to it)."
  value       = module.boundaries.workload_boundary_arn
}
