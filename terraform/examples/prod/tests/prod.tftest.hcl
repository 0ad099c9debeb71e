# Plans production end to end (platform + app) against the mock provider.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_db_instance" {
    defaults = {
      master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf", kms_key_id = "alias/aws/secretsmanager", secret_status = "active" }]
    }
  }
}

variables {
  domain             = "example.com"
  hostname           = "app.example.com"
  route53_zone_id    = "Z0123"
  certificate_arn    = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
  ecr_registry       = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
  backend_image_tag  = "v1.0.0"
  frontend_image_tag = "v2.0.0"
}

run "production_settings" {
  command = plan

  assert {
    condition     = module.platform.assign_public_ip == false && output.network_configuration.assign_public_ip == false
    error_message = "Production tasks run in private subnets behind a NAT gateway."
  }

  assert {
    condition     = output.url == "https://app.example.com" && output.cluster_name == "prod"
    error_message = "Production URL and cluster."
  }

  assert {
    condition     = toset(keys(module.app.task_families)) == toset(["gunicorn", "celery", "beat", "frontend", "redis", "migrate"])
    error_message = "All families exist."
  }

  # The preview deploy role may pass roles under /adhoc-actions/ only (examples/bootstrap).
  assert {
    condition     = module.platform.iam_role_path == "/adhoc-actions-prod/"
    error_message = "Production's task and execution roles live apart from the ad hoc roles' path."
  }
}

# Disaster recovery settings of the production database.
run "database_survives_mistakes" {
  command = plan

  assert {
    # The final snapshot's name (prod-final-<creation time>) is known only after apply; the
    # deletion_protection precondition requires one.
    condition = { for k, v in module.platform.database_protection : k => v if k != "final_snapshot_identifier" } == {
      backup_retention_days  = 14
      point_in_time_restore  = true
      deletion_protection    = true
      keep_automated_backups = true
      multi_az               = true
    }
    error_message = "Production RDS: 14 days of backups (PITR), deletion protection, a final snapshot, automated backups kept after deletion, Multi-AZ."
  }
}
