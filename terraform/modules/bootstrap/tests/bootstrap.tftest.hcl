mock_provider "aws" {}

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

  assert {
    condition     = aws_dynamodb_table.lock[0].hash_key == "LockID" && aws_dynamodb_table.lock[0].billing_mode == "PAY_PER_REQUEST"
    error_message = "Lock table must be keyed by LockID (what the s3 backend writes)."
  }

  assert {
    condition     = aws_dynamodb_table.lock[0].server_side_encryption[0].enabled
    error_message = "Lock table must be encrypted."
  }
}

run "lock_table_optional" {
  command = plan

  variables {
    create_lock_table = false
  }

  assert {
    condition     = length(aws_dynamodb_table.lock) == 0 && output.lock_table_name == null
    error_message = "No lock table when create_lock_table = false."
  }
}

run "ecr_repos_scan_on_push_with_lifecycle" {
  command = plan

  variables {
    ecr_repository_prefix = "acme/"
  }

  assert {
    condition     = toset([for r in aws_ecr_repository.this : r.name]) == toset(["acme/backend", "acme/frontend"])
    error_message = "Expected backend and frontend repositories with the prefix."
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_scanning_configuration[0].scan_on_push])
    error_message = "Every repository must scan on push."
  }

  assert {
    condition     = alltrue([for p in aws_ecr_lifecycle_policy.this : length(jsondecode(p.policy).rules) == 2])
    error_message = "Every repository needs the lifecycle policy."
  }
}

run "rejects_invalid_bucket_name" {
  command = plan

  variables {
    state_bucket_name = "Bad_Bucket"
  }

  expect_failures = [var.state_bucket_name]
}
