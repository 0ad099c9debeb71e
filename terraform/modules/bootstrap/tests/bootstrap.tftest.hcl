mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  state_bucket_name = "acme-terraform-state"
}

run "state_bucket_is_versioned_encrypted_private" {
  command = plan

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "State bucket must be versioned."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "State bucket must be encrypted."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.state.block_public_acls,
      aws_s3_bucket_public_access_block.state.block_public_policy,
      aws_s3_bucket_public_access_block.state.ignore_public_acls,
      aws_s3_bucket_public_access_block.state.restrict_public_buckets,
    ])
    error_message = "State bucket must block all public access."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "State bucket must deny non-TLS access."
  }
}

run "lock_table_uses_lockid" {
  command = plan

  variables {
    create_lock_table = true
  }

  assert {
    condition     = aws_dynamodb_table.lock[0].hash_key == "LockID" && aws_dynamodb_table.lock[0].billing_mode == "PAY_PER_REQUEST"
    error_message = "Lock table must be keyed by LockID (what the s3 backend writes)."
  }

  assert {
    condition     = aws_dynamodb_table.lock[0].server_side_encryption[0].enabled
    error_message = "Lock table must be encrypted."
  }
}

run "no_lock_table_by_default" {
  command = plan


  assert {
    condition     = length(aws_dynamodb_table.lock) == 0 && output.lock_table_name == null
    error_message = "No DynamoDB lock table by default: the workflows lock with an S3 lockfile."
  }
}

run "ecr_repos_scan_on_push_with_lifecycle" {
  command = plan

  variables {
    ecr_repository_prefix = "acme/"
  }

  assert {
    condition     = toset([for r in aws_ecr_repository.this : r.name]) == toset(["acme/backend", "acme/frontend", "acme/backend-preview", "acme/frontend-preview"])
    error_message = "Expected backend and frontend repositories with the prefix, each with a preview twin."
  }

  # What production deploys from and what a pull request pushes to are different repositories.
  assert {
    condition = (
      keys(output.ecr_repository_arns) == ["backend", "frontend"] &&
      alltrue([for k, a in output.ecr_repository_arns : endswith(a, ":repository/acme/${k}")]) &&
      keys(output.ecr_preview_repository_arns) == ["backend", "frontend"] &&
      alltrue([for k, a in output.ecr_preview_repository_arns : endswith(a, ":repository/acme/${k}-preview")])
    )
    error_message = "ecr_repository_arns are main's repositories only; ecr_preview_repository_arns their preview twins."
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_scanning_configuration[0].scan_on_push])
    error_message = "Every repository must scan on push."
  }

  assert {
    condition     = length(aws_ecr_lifecycle_policy.this) == 4 && alltrue([for r in aws_ecr_repository.this : r.image_tag_mutability == "IMMUTABLE"])
    error_message = "Every repository has the lifecycle policy and immutable tags by default."
  }
}

run "tags_can_be_made_mutable" {
  command = plan

  variables {
    ecr_image_tag_mutability = "MUTABLE"
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_tag_mutability == "MUTABLE"])
    error_message = "ecr_image_tag_mutability = MUTABLE opts out."
  }
}

# The old policy ("any" image beyond the newest 200 expires) fails the first two asserts and
# the simulation (the release image of run 1 would be selected by "any").
run "lifecycle_policy_never_expires_what_may_run" {
  command = plan

  assert {
    condition = alltrue([for k, p in aws_ecr_lifecycle_policy.this : alltrue([
      for r in jsondecode(p.policy).rules : r.selection.tagStatus != "any"
    ]) if !endswith(k, "-preview")])
    error_message = "No rule of a release repository may select every image."
  }

  # Each rule's selection, decoded: keep v* and sha-*, expire pr- after 14 days, untagged after 14.
  assert {
    condition = [for r in jsondecode(aws_ecr_lifecycle_policy.this["backend"].policy).rules : {
      priority = r.rulePriority
      status   = r.selection.tagStatus
      tags     = try(r.selection.tagPatternList, try(r.selection.tagPrefixList, []))
      count    = "${r.selection.countType}:${r.selection.countNumber}"
      }] == [
      { priority = 1, status = "tagged", tags = ["v*"], count = "imageCountMoreThan:10000" },
      { priority = 2, status = "tagged", tags = ["sha-*"], count = "imageCountMoreThan:10000" },
      { priority = 3, status = "tagged", tags = ["pr-"], count = "sinceImagePushed:14" },
      { priority = 4, status = "untagged", tags = [], count = "sinceImagePushed:14" },
    ]
    error_message = "Lifecycle rules: keep v*, keep sha-*, expire pr- after 14 days, expire untagged after 14 days."
  }

  # Simulate ECR on a few images: the first rule (by priority) whose tag selection matches an
  # image is the only one that may expire it; count rules never reach 10000 here.
  assert {
    condition = alltrue([
      for img in [
        { tags = ["v1.2.0", "pr-12-abc"], age = 400, expired = false }, # promoted preview build, released
        { tags = ["sha-abc"], age = 400, expired = false },             # main-branch build (staging)
        { tags = ["pr-12-def"], age = 20, expired = true },             # old preview build
        { tags = ["pr-12-fed"], age = 2, expired = false },             # live preview (< janitor TTL)
        { tags = [], age = 20, expired = true },                        # untagged
        { tags = [], age = 1, expired = false },
        { tags = ["latest"], age = 400, expired = false }, # anything else is never matched
        ] : anytrue([
          for first in [[
            for r in jsondecode(aws_ecr_lifecycle_policy.this["backend"].policy).rules : r.selection
            if r.selection.tagStatus == "untagged" ? length(img.tags) == 0 : (
              length(img.tags) > 0 && (r.selection.tagStatus == "any" ||
                alltrue([for p in try(r.selection.tagPatternList, []) : anytrue([for t in img.tags : can(regex("^${replace(p, "*", ".*")}$", t))])]) &&
              alltrue([for p in try(r.selection.tagPrefixList, []) : anytrue([for t in img.tags : startswith(t, p)])]))
            )
            # No matching rule: never expired.
          ]] : (concat(first, [{ countType = "none", countNumber = 0 }])[0].countType == "sinceImagePushed" && img.age > concat(first, [{ countType = "none", countNumber = 0 }])[0].countNumber) == img.expired
      ])
    ])
    error_message = "The lifecycle policy must keep release, main-branch, live preview and other tagged images, and expire only old preview and untagged images."
  }
}

run "preview_expiry_outlives_the_janitor_ttl" {
  command = plan

  variables {
    ecr_preview_expiration_days = 2
  }

  expect_failures = [var.ecr_preview_expiration_days]
}

run "rejects_invalid_bucket_name" {
  command = plan

  variables {
    state_bucket_name = "Bad_Bucket"
  }

  expect_failures = [var.state_bucket_name]
}

# Old: who pushed to the release repositories was up to identity policies alone, so any role
# of the account given ecr:PutImage (by a later policy, or an admin) could plant a release tag.
run "only_the_named_pusher_writes_the_release_repositories" {
  command = plan

  variables {
    ecr_release_pusher_arns        = ["arn:aws:iam::111111111111:role/github-actions/github-actions-build"]
    ecr_release_reader_account_ids = ["222222222222"]
  }

  assert {
    condition     = toset(keys(aws_ecr_repository_policy.release)) == toset(["backend", "frontend"])
    error_message = "The release repositories carry the policy; the preview twins do not."
  }

  assert {
    condition = alltrue([for p in aws_ecr_repository_policy.release : jsondecode(p.policy).Statement == [
      {
        Sid       = "OnlyMainsBuildPushes"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage"]
        Condition = { ArnNotLike = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/github-actions/github-actions-build"] } }
      },
      {
        Sid       = "ProductionAccountPulls"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::222222222222:root"] }
        Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages", "ecr:DescribeImageScanFindings"]
      },
    ]])
    error_message = "Every push but the build role's is denied by the repository itself; the production account may only pull and read."
  }
}

run "no_repository_policy_unless_asked" {
  command = plan

  assert {
    condition     = length(aws_ecr_repository_policy.release) == 0
    error_message = "Without pushers or readers, identity policies alone decide (as before)."
  }
}

# Issue 21.6 (one account): the preview tier's ad hoc apply may create task roles under its IAM
# path, whose workload boundary allows S3 on *. The bucket's own policy refuses them every call,
# so such a role cannot read production's state or a protected environment's failure report.
run "the_state_bucket_refuses_the_roles_the_preview_tier_creates" {
  command = plan

  variables {
    state_denied_principal_arns = ["arn:aws:iam::123456789012:role/adhoc-actions/*"]
  }

  assert {
    condition = [for s in jsondecode(aws_s3_bucket_policy.state.policy).Statement : s if s.Sid == "DenyCreatedRoles"] == [{
      Sid       = "DenyCreatedRoles"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::acme-terraform-state", "arn:aws:s3:::acme-terraform-state/*"]
      Condition = { ArnLike = { "aws:PrincipalArn" = ["arn:aws:iam::123456789012:role/adhoc-actions/*"] } }
    }]
    error_message = "The state bucket denies every call of the roles under the ad hoc IAM path."
  }
}
