################################################################################
# Shared PostgreSQL: one database per environment (created by create-database)
################################################################################

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = aws_subnet.private[*].id
  tags       = local.tags
}

# RDS refuses a final snapshot whose name exists (DBSnapshotAlreadyExists), so a fixed
# "<name>-final" made the second destroy of a stack with the same name fail. The creation time,
# fixed in state (ignore_changes), names each incarnation's snapshot once: no diff on later plans.
resource "terraform_data" "final_snapshot_suffix" {
  input = formatdate("YYYYMMDDhhmmss", timestamp())

  lifecycle {
    ignore_changes = [input]
  }
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = "postgres"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true

  username = var.db_username
  # RDS generates and rotates the password in Secrets Manager; none lives in code or state.
  manage_master_user_password = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.rds.id]
  publicly_accessible    = false
  multi_az               = var.db_multi_az

  # Automated backups also give point-in-time restore within the retention window.
  backup_retention_period    = var.db_backup_retention_days
  backup_window              = var.db_backup_window
  delete_automated_backups   = var.db_delete_automated_backups
  deletion_protection        = var.db_deletion_protection
  skip_final_snapshot        = var.db_skip_final_snapshot
  final_snapshot_identifier  = var.db_skip_final_snapshot ? null : "${var.name}-final-${terraform_data.final_snapshot_suffix.output}"
  copy_tags_to_snapshot      = true
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = local.tags

  lifecycle {
    precondition {
      condition     = !var.db_deletion_protection || (var.db_backup_retention_days >= 1 && !var.db_skip_final_snapshot)
      error_message = "A protected database (db_deletion_protection) needs db_backup_retention_days >= 1 and a final snapshot (db_skip_final_snapshot = false)."
    }
  }
}
