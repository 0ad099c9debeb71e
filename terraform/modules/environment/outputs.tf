output "name" {
  description = "Environment name."
  value       = var.name
}

output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ECS cluster ARN."
  value       = aws_ecs_cluster.this.arn
}

output "service_names" {
  description = "ECS service names by component: gunicorn, celery, beat, frontend, redis."
  value       = local.service_names
}

output "task_families" {
  description = "Task definition families by component; gunicorn, celery, beat and migrate share the backend image, migrate is the one-off family (migrate, collectstatic, manage.py ...)."
  value       = local.families
}

output "backend_task_families" {
  description = "The backend families in the order register-task-definition takes them (gunicorn, celery, beat, migrate)."
  value       = [for c in local.backend_components : local.families[c]]
}

output "container_names" {
  description = "Container name in each family (backend families all use \"backend\")."
  value       = local.container_names
}

output "task_definition_arns" {
  description = "ARNs of the revisions Terraform registered (the actions register later ones)."
  value       = { for k, t in aws_ecs_task_definition.this : k => t.arn }
}

output "images_of_first_revision" {
  description = "Images of Terraform's revisions: those given when the environment was created (later deploys set theirs through the actions)."
  value       = terraform_data.images.output
}

output "network_configuration" {
  description = "Network settings for one-off tasks (run-migration-task subnets / security-groups / assign-public-ip)."
  value = {
    subnets          = var.subnet_ids
    security_groups  = tolist(local.task_security_groups)
    assign_public_ip = var.assign_public_ip
  }
}

output "capacity_provider_strategy" {
  description = "Capacity provider strategy of the services (also good for one-off tasks)."
  value       = var.capacity_provider_strategy
}

output "hostname" {
  description = "Host name of the environment."
  value       = local.hostname
}

output "url" {
  description = "Public URL of the environment."
  value       = "https://${local.hostname}"
}

output "log_groups" {
  description = "CloudWatch log group by component."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "database_name" {
  description = "Database (and default role) name in the shared instance, for create-database."
  value       = local.database_name
}

output "s3_bucket_name" {
  description = "S3 bucket for static and media files."
  value       = aws_s3_bucket.this.bucket
}

output "redis_auth_secret_arn" {
  description = "Secret with Redis's AUTH password (password) and the backend's REDIS_URL with it (url)."
  value       = aws_secretsmanager_secret.redis_auth.arn
}

output "execution_role_arn" {
  description = "ECS task execution role of this environment's tasks."
  value       = local.execution_role_arn
}

output "redis_url" {
  description = "Redis's address, without the password (the containers' REDIS_URL, from the redis-auth secret, carries it)."
  value       = local.redis_url
}

output "listener_rule_priorities" {
  description = "Priorities this environment uses on the shared HTTPS listener."
  value       = concat(local.backend_priorities, [local.frontend_priority])
}

output "target_group_arns" {
  description = "Target group ARNs (gunicorn, frontend)."
  value       = { gunicorn = aws_lb_target_group.gunicorn.arn, frontend = aws_lb_target_group.frontend.arn }
}

output "task_role_arn" {
  description = "ARN of the task role."
  value       = aws_iam_role.task.arn
}

output "security_group_id" {
  description = "The environment's own security group (on every task of it; Redis accepts only this group)."
  value       = aws_security_group.tasks.id
}

output "db_owner_password_secret_arn" {
  description = "Secret with the database owner's password (create-database's owner-password-secret; the backend's POSTGRES_PASSWORD)."
  value       = aws_secretsmanager_secret.db_owner_password.arn
}
