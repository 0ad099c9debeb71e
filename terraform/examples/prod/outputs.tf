output "cluster_name" {
  description = "ECS cluster."
  value       = module.app.cluster_name
}

output "service_names" {
  description = "Service by component."
  value       = module.app.service_names
}

output "task_families" {
  description = "Task family by component."
  value       = module.app.task_families
}

output "network_configuration" {
  description = "Network settings for one-off tasks."
  value       = module.app.network_configuration
}

output "url" {
  description = "Production URL."
  value       = module.app.url
}

output "database_name" {
  description = "Database name."
  value       = module.app.database_name
}

output "rds_master_user_secret_arn" {
  description = "Master credentials secret (create-database)."
  value       = module.platform.rds_master_user_secret_arn
}

output "db_owner_password_secret" {
  description = "Secret with the database owner's password (create-database owner-password-secret)."
  value       = module.app.db_owner_password_secret_arn
}

output "db_admin_task_definition" {
  description = "The db-admin family (create-database in mode ecs-task)."
  value       = module.platform.db_admin_task_definition
}
