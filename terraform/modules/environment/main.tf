data "aws_region" "current" {}

locals {
  hostname      = coalesce(var.hostname, "${var.name}.${var.domain}")
  database_name = coalesce(var.database_name, replace(var.name, "-", "_"))
  redis_host    = "${var.name}-redis.${var.service_discovery_namespace_name}"
  # Without the password: the containers get the URL with it from the redis-auth secret.
  redis_url   = "redis://${local.redis_host}:6379/0"
  bucket_name = "${var.s3_bucket_prefix}${var.name}"
  tags        = merge({ "adhoc-actions:environment" = var.name }, var.tags)

  # The components, declared once in components.json (the rehearsal reads it too). Backend task
  # definitions share the image; "migrate" is the one-off family (migrate, collectstatic, any
  # management command via a command override).
  declared           = jsondecode(file("${path.module}/components.json"))
  backend_components = local.declared.backend
  components         = concat(local.backend_components, local.declared.others)

  families = { for c in local.components : c => "${var.name}-${c}" }

  task_sizes = merge(
    { for c in local.components : c => { cpu = 256, memory = 512 } },
    var.task_sizes,
  )

  # Plain-text settings only; passwords come through var.secrets.
  backend_environment = merge(
    {
      POSTGRES_HOST  = var.rds_address
      POSTGRES_PORT  = tostring(var.rds_port)
      POSTGRES_NAME  = local.database_name
      POSTGRES_USER  = local.database_name
      REDIS_HOST     = local.redis_host
      S3_BUCKET_NAME = local.bucket_name
      ALLOWED_HOSTS  = local.hostname
      APP_URL        = "https://${local.hostname}"
      ENVIRONMENT    = var.name
    },
    var.environment_variables,
  )
}

################################################################################
# S3 bucket for static and media files
################################################################################

resource "aws_s3_bucket" "this" {
  bucket        = local.bucket_name
  force_destroy = var.s3_force_destroy
  tags          = local.tags

  lifecycle {
    precondition {
      condition     = length(local.bucket_name) <= 63 && can(regex("^[a-z0-9][a-z0-9-]*[a-z0-9]$", local.bucket_name))
      error_message = "The bucket name \"${local.bucket_name}\" (s3_bucket_prefix + name) must be at most 63 lowercase characters."
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

################################################################################
# The database owner's password: Terraform makes the secret without a value (no password in
# any state), create-database generates one into it on the first deploy, and the backend
# containers read it as POSTGRES_PASSWORD.
################################################################################

resource "aws_secretsmanager_secret" "db_owner_password" {
  name                    = "${var.secrets_prefix}/${var.name}/db-owner-password"
  description             = "Password of ${local.database_name}, the owner of ${var.name}'s database."
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = local.tags
}

################################################################################
# Redis AUTH: a password of this environment's own, so a task of another environment (or of
# another tier) that reaches the port still cannot talk to Redis. Made at create time: a
# random password into a write-only version: it is never in a plan or the state. The redis
# container reads `password`, the backend containers `url` as REDIS_URL.
################################################################################

resource "aws_secretsmanager_secret" "redis_auth" {
  name                    = "${var.secrets_prefix}/${var.name}/redis-auth"
  description             = "Redis AUTH password of ${var.name} (password) and the backend's REDIS_URL with it (url)."
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = local.tags
}

resource "aws_secretsmanager_secret_version" "redis_auth" {
  secret_id        = aws_secretsmanager_secret.redis_auth.id
  secret_string_wo = jsonencode({ password = local.redis_password, url = "redis://:${local.redis_password}@${local.redis_host}:6379/0" })
  # Written once per version: raise redis_password_version to rotate.
  secret_string_wo_version = var.redis_password_version
}

locals {
  # 256 bits from crypto/rand (uuid() reads 16 random bytes a call). Not an ephemeral
  # random_password: terraform test's mock provider has none, and a write-only argument is
  # neither planned nor stored either way.
  redis_password = replace("${uuid()}${uuid()}", "-", "")
}

################################################################################
# Route 53
################################################################################

resource "aws_route53_record" "this" {
  count = var.create_dns_record ? 1 : 0

  zone_id = var.route53_zone_id
  name    = local.hostname
  type    = "A"

  alias {
    name                   = var.alb_dns_name
    zone_id                = var.alb_zone_id
    evaluate_target_health = false
  }
}
