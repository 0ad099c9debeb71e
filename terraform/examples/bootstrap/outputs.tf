output "state_bucket_name" {
  description = "backend \"s3\" bucket for the other configurations."
  value       = module.bootstrap.state_bucket_name
}

output "lock_table_name" {
  description = "backend \"s3\" dynamodb_table."
  value       = module.bootstrap.lock_table_name
}

output "ecr_repository_urls" {
  description = "Where CI pushes the backend and frontend images."
  value       = module.bootstrap.ecr_repository_urls
}

output "deploy_role_arn" {
  description = "role-to-assume of the preview / ad hoc workflows (github-actions-preview)."
  value       = module.github_oidc.role_arn
}

output "production_role_arn" {
  description = "role-to-assume of production-deploy (github-actions-production)."
  value       = module.github_oidc_production.role_arn
}

output "plan_role_arn" {
  description = "role-to-assume of production.yml's infrastructure job (terraform.yml plan; github-actions-plan)."
  value       = aws_iam_role.plan.arn
}
