# What the workflows read with `terraform output -json` and pass to the actions.
output "cluster_name" {
  description = "ECS cluster."
  value       = module.environment.cluster_name
}

output "service_names" {
  description = "Service by component (gunicorn, celery, beat, frontend, redis)."
  value       = module.environment.service_names
}

output "task_families" {
  description = "Task family by component (migrate is the one-off family)."
  value       = module.environment.task_families
}

output "backend_task_families" {
  description = "Backend families for register-task-definition."
  value       = module.environment.backend_task_families
}

output "network_configuration" {
  description = "subnets / security_groups / assign_public_ip for one-off tasks."
  value       = module.environment.network_configuration
}

output "url" {
  description = "URL of the environment."
  value       = module.environment.url
}

output "log_groups" {
  description = "Log group by component."
  value       = module.environment.log_groups
}

output "database_name" {
  description = "Database for create-database."
  value       = module.environment.database_name
}

output "s3_bucket_name" {
  description = "Static and media bucket."
  value       = module.environment.s3_bucket_name
}

output "db_owner_password_secret" {
  description = "Secret with the database owner's password (create-database owner-password-secret)."
  value       = module.environment.db_owner_password_secret_arn
}

output "db_admin_task_definition" {
  description = "The shared stack's db-admin family (create-database in mode ecs-task)."
  value       = local.shared.db_admin_task_definition
}
