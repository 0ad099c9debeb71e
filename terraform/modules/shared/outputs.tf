output "name" {
  description = "Name of the shared stack."
  value       = var.name
}

output "domain" {
  description = "Domain of the environments (<env>.<domain>)."
  value       = var.domain
}

output "route53_zone_id" {
  description = "Hosted zone for the environments' records."
  value       = var.route53_zone_id
}

output "vpc_id" {
  description = "VPC ID."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Public subnet IDs."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnet IDs."
  value       = aws_subnet.private[*].id
}

output "app_subnet_ids" {
  description = "Subnets for ECS tasks: private with a NAT gateway, otherwise public."
  value       = var.enable_nat_gateway ? aws_subnet.private[*].id : aws_subnet.public[*].id
}

output "assign_public_ip" {
  description = "Whether ECS tasks need a public IP (true when there is no NAT gateway)."
  value       = !var.enable_nat_gateway
}

output "alb_arn" {
  description = "ARN of the shared ALB."
  value       = aws_lb.this.arn
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB (CloudWatch dimension, request-count scaling)."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the ALB (Route 53 alias target)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone ID of the ALB (Route 53 alias target)."
  value       = aws_lb.this.zone_id
}

output "https_listener_arn" {
  description = "HTTPS listener environments attach their rules to."
  value       = aws_lb_listener.https.arn
}

output "certificate_arn" {
  description = "ARN of the wildcard certificate on the listener."
  value       = local.certificate_arn
}

output "alb_security_group_id" {
  description = "Security group of the ALB."
  value       = aws_security_group.alb.id
}

output "app_security_group_id" {
  description = "Security group for ECS tasks."
  value       = aws_security_group.app.id
}

output "rds_security_group_id" {
  description = "Security group of the RDS instance."
  value       = aws_security_group.rds.id
}

output "rds_address" {
  description = "Hostname of the RDS instance."
  value       = aws_db_instance.this.address
}

output "rds_port" {
  description = "Port of the RDS instance."
  value       = aws_db_instance.this.port
}

output "rds_master_username" {
  description = "Master user name of the RDS instance."
  value       = aws_db_instance.this.username
}

output "rds_master_user_secret_arn" {
  description = "Secrets Manager secret holding the master credentials (for create-database)."
  value       = try(aws_db_instance.this.master_user_secret[0].secret_arn, null)
}

output "service_discovery_namespace_id" {
  description = "Cloud Map namespace ID."
  value       = aws_service_discovery_private_dns_namespace.this.id
}

output "service_discovery_namespace_name" {
  description = "Cloud Map namespace name."
  value       = aws_service_discovery_private_dns_namespace.this.name
}

output "task_execution_role_arn" {
  description = "ARN of the ECS task execution role."
  value       = aws_iam_role.task_execution.arn
}

output "iam_role_path" {
  description = "IAM path of the roles (the deploy role may pass roles under it)."
  value       = var.iam_role_path
}

output "bastion_public_ip" {
  description = "Public IP of the bastion, or null."
  value       = one(aws_instance.bastion[*].public_ip)
}

output "database_protection" {
  description = "How the database survives mistakes: backup retention (days, also the point-in-time restore window), deletion protection, final snapshot, automated backups kept after deletion."
  value = {
    backup_retention_days     = aws_db_instance.this.backup_retention_period
    point_in_time_restore     = aws_db_instance.this.backup_retention_period > 0
    deletion_protection       = aws_db_instance.this.deletion_protection
    final_snapshot_identifier = aws_db_instance.this.final_snapshot_identifier
    keep_automated_backups    = !aws_db_instance.this.delete_automated_backups
    multi_az                  = aws_db_instance.this.multi_az
  }
}

output "permissions_boundary_arn" {
  description = "Permissions boundary for the environments' task roles (environment module's permissions_boundary_arn)."
  value       = var.permissions_boundary_arn
}

output "secrets_prefix" {
  description = "Prefix of the secrets the execution role reads (<prefix>/<environment>/...)."
  value       = local.secrets_prefix
}

output "db_admin_task_definition" {
  description = "Family of the db-admin task definition: create-database's task-definition in mode ecs-task."
  value       = aws_ecs_task_definition.db_admin.family
}

output "django_secret_key_arn" {
  description = "Secrets Manager secret with Django's SECRET_KEY (an environment's secrets = { SECRET_KEY = this })."
  value       = aws_secretsmanager_secret.django_secret_key.arn
}
