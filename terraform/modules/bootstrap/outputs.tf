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
  description = "Map of short repository name to repository URL."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "ecr_repository_arns" {
  description = "Map of short repository name to repository ARN."
  value       = { for k, r in aws_ecr_repository.this : k => "${local.ecr_arn_prefix}/${r.name}" }
}
