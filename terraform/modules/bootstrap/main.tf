################################################################################
# Terraform state: versioned, encrypted, private bucket + lock table
################################################################################

resource "aws_s3_bucket" "state" {
  bucket = var.state_bucket_name
  tags   = var.tags

  # Losing state orphans every environment; never delete it by accident.
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket = aws_s3_bucket.state.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  count  = var.state_noncurrent_version_expiration_days > 0 ? 1 : 0
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "expire-noncurrent-state"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.state_noncurrent_version_expiration_days
    }
  }
}

data "aws_partition" "current" {}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Built from the names (not the resources' arn) so policies using them (this bucket's, the
  # deploy roles') are known at plan time.
  state_bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.state_bucket_name}"
  ecr_arn_prefix   = "arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:repository"
}

# State holds secrets in plain text: refuse anything but TLS.
resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.state_bucket_arn, "${local.state_bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }], length(var.state_denied_principal_arns) > 0 ? [{
      # A role the preview tier may create (its boundary allows S3 on *) never reads state or a
      # protected environment's failure report: the bucket itself refuses it.
      Sid       = "DenyCreatedRoles"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.state_bucket_arn, "${local.state_bucket_arn}/*"]
      Condition = { ArnLike = { "aws:PrincipalArn" = var.state_denied_principal_arns } }
    }] : [])
  })

  depends_on = [aws_s3_bucket_public_access_block.state]
}

resource "aws_dynamodb_table" "lock" {
  count = var.create_lock_table ? 1 : 0

  name         = var.lock_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {
    name = "LockID"
    type = "S"
  }

  server_side_encryption {
    enabled = true
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = var.tags
}

################################################################################
# ECR repositories
################################################################################

# Each repository and its preview twin: what a pull request builds never lands where
# production deploys from, so a branch cannot claim a tag main will look for.
locals {
  ecr_repositories = merge(
    { for r in var.ecr_repositories : r => { name = "${var.ecr_repository_prefix}${r}", preview = false } },
    { for r in var.ecr_repositories : "${r}${var.ecr_preview_repository_suffix}" => { name = "${var.ecr_repository_prefix}${r}${var.ecr_preview_repository_suffix}", preview = true } },
  )
}

resource "aws_ecr_repository" "this" {
  for_each = local.ecr_repositories

  name                 = each.value.name
  image_tag_mutability = var.ecr_image_tag_mutability

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }

  tags = var.tags
}

# Never expires what a release or a running environment may use. Rules go by priority and
# an image matched by a higher rule is never expired by a lower one, so the first rules only
# "keep" (a count no repository reaches): release tags, then main-branch builds. Then preview
# builds (pr-<number>-<sha>) expire after ecr_preview_expiration_days (longer than the janitor's
# TTL, so a live preview's image is younger), and untagged images (failed or superseded
# pushes) after ecr_untagged_expiration_days. No rule selects "any".
locals {
  ecr_keep_count = 10000
  ecr_lifecycle_rules = concat(
    [for i, p in var.ecr_keep_tag_patterns : {
      rulePriority = i + 1
      description  = "Keep ${p} (never expired by the rules below)"
      selection = {
        tagStatus      = "tagged"
        tagPatternList = [p]
        countType      = "imageCountMoreThan"
        countNumber    = local.ecr_keep_count
      }
      action = { type = "expire" }
    }],
    [
      {
        rulePriority = length(var.ecr_keep_tag_patterns) + 1
        description  = "Expire preview builds (${var.ecr_preview_tag_prefix}*) after ${var.ecr_preview_expiration_days} days"
        selection = {
          tagStatus     = "tagged"
          tagPrefixList = [var.ecr_preview_tag_prefix]
          countType     = "sinceImagePushed"
          countUnit     = "days"
          countNumber   = var.ecr_preview_expiration_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = length(var.ecr_keep_tag_patterns) + 2
        description  = "Expire untagged images after ${var.ecr_untagged_expiration_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.ecr_untagged_expiration_days
        }
        action = { type = "expire" }
      },
    ],
  )
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  # A preview twin holds no release: everything in it expires like a preview build.
  policy = local.ecr_repositories[each.key].preview ? jsonencode({ rules = local.ecr_preview_lifecycle_rules }) : jsonencode({ rules = local.ecr_lifecycle_rules })
}

locals {
  ecr_preview_lifecycle_rules = [{
    rulePriority = 1
    description  = "Expire every image after ${var.ecr_preview_expiration_days} days"
    selection = {
      tagStatus   = "any"
      countType   = "sinceImagePushed"
      countUnit   = "days"
      countNumber = var.ecr_preview_expiration_days
    }
    action = { type = "expire" }
  }]
}

################################################################################
# Who writes and reads the release repositories (not the preview twins), whatever identity
# policies say: a resource policy denies every push but from ecr_release_pusher_arns (main's
# build role), and lets ecr_release_reader_account_ids (a production account of its own) pull.
################################################################################

locals {
  # Pushing, and deleting what a release or a rollback needs.
  ecr_push_actions = ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage"]
  ecr_release_policy_statements = concat(
    length(var.ecr_release_pusher_arns) > 0 ? [{
      Sid       = "OnlyMainsBuildPushes"
      Effect    = "Deny"
      Principal = "*"
      Action    = local.ecr_push_actions
      Condition = { ArnNotLike = { "aws:PrincipalArn" = var.ecr_release_pusher_arns } }
    }] : [],
    length(var.ecr_release_reader_account_ids) > 0 ? [{
      # What ECS pulls with (execution roles), and what the deploy reads (digest, scan findings).
      Sid       = "ProductionAccountPulls"
      Effect    = "Allow"
      Principal = { AWS = [for a in var.ecr_release_reader_account_ids : "arn:${data.aws_partition.current.partition}:iam::${a}:root"] }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages", "ecr:DescribeImageScanFindings"]
    }] : [],
  )
}

locals {
  ecr_release_policy_json = length(local.ecr_release_policy_statements) > 0 ? jsonencode({ Version = "2012-10-17", Statement = local.ecr_release_policy_statements }) : null
}

resource "aws_ecr_repository_policy" "release" {
  for_each = local.ecr_release_policy_json == null ? {} : { for k, r in local.ecr_repositories : k => r if !r.preview }

  repository = aws_ecr_repository.this[each.key].name
  policy     = local.ecr_release_policy_json
}
