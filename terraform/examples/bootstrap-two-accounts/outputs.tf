output "production_state_bucket_name" {
  description = "Repository variable PRODUCTION_STATE_BUCKET: the backend bucket of the prod root and of staging (production account)."
  value       = module.production_state.state_bucket_name
}

output "state_bucket_name" {
  description = "Repository variable STATE_BUCKET: the backend bucket of the previews' shared and ad hoc roots (preview account)."
  value       = module.preview_account.state_bucket_name
}

output "release_registry" {
  description = "ecr_registry of the prod root and of staging's tfvars: the build account's registry, which production pulls from by digest."
  value       = "${local.preview_account}.dkr.ecr.${var.region}.amazonaws.com"
}

output "ecr_repository_urls" {
  description = "Release repositories (main's builds), in the build account."
  value       = module.preview_account.ecr_repository_urls
}

output "ecr_preview_repository_urls" {
  description = "Where pull-request and branch builds push (the preview twins; production never reads them)."
  value       = module.preview_account.ecr_preview_repository_urls
}

output "production_role_arn" {
  description = "Repository variable PRODUCTION_ROLE_ARN (production account)."
  value       = module.github_oidc_production.role_arn
}

output "plan_role_arn" {
  description = "Repository variable PLAN_ROLE_ARN (production account)."
  value       = module.production_plan_role.plan_role_arn
}

output "review_role_arn" {
  description = "Repository variable REVIEW_ROLE_ARN (production account): production-deploy's review-role-to-assume (github-actions-review, read-only)."
  value       = module.production_plan_role.review_role_arn
}

output "preview_role_arn" {
  description = "Repository variable PREVIEW_ROLE_ARN (preview account)."
  value       = module.github_oidc.role_arn
}

output "build_role_arn" {
  description = "Repository variable BUILD_ROLE_ARN (build account): the only principal that pushes to the release repositories."
  value       = module.build_role.build_role_arn
}

output "production_workload_boundary_arn" {
  description = "permissions_boundary_arn of the production account's shared and prod roots."
  value       = module.production_boundaries.workload_boundary_arn
}

output "preview_workload_boundary_arn" {
  description = "permissions_boundary_arn of the preview account's shared root."
  value       = module.preview_boundaries.workload_boundary_arn
}
