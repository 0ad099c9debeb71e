output "state_bucket_name" {
  description = "Name of the Terraform state bucket (backend \"s3\" bucket)."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the Terraform state bucket."
  value       = local.state_bucket_arn
}

output "lock_table_name" {
  description = "Name of the DynamoDB lock table (backend \"s3\" dynamodb_table), or null."
  value       = one(aws_dynamodb_table.lock[*].name)
}

output "lock_table_arn" {
  description = "ARN of the DynamoDB lock table, or null."
  value       = one(aws_dynamodb_table.lock[*].arn)
}

output "ecr_repository_urls" {
  description = "Map of short repository name to repository URL (main's builds; what staging and production deploy)."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url if !local.ecr_repositories[k].preview }
}

output "ecr_repository_arns" {
  description = "Map of short repository name to repository ARN (main's builds)."
  value       = { for k, r in aws_ecr_repository.this : k => "${local.ecr_arn_prefix}/${r.name}" if !local.ecr_repositories[k].preview }
}

output "ecr_preview_repository_urls" {
  description = "Map of short repository name to its preview twin's URL (pull-request and branch builds)."
  value       = { for k in var.ecr_repositories : k => aws_ecr_repository.this["${k}${var.ecr_preview_repository_suffix}"].repository_url }
}

output "ecr_preview_repository_arns" {
  description = "Map of short repository name to its preview twin's ARN."
  value       = { for k in var.ecr_repositories : k => "${local.ecr_arn_prefix}/${aws_ecr_repository.this["${k}${var.ecr_preview_repository_suffix}"].name}" }
}

output "ecr_release_policy_json" {
  description = "The release repositories' own policy (who alone pushes, which accounts pull); null without one."
  value       = local.ecr_release_policy_json
}
