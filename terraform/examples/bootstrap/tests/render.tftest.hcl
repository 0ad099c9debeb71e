# Applies the bootstrap root with a mock provider so its IAM (roles, trust, policies,
# boundaries) can be read as AWS would store it: scripts/render-roles.sh turns this run's state
# into simulator/aws/iam/roles.json, the policies the emulator enforces in every test.
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
}

variables {
  state_bucket_name = "acme-terraform-state"
  repository        = "acme/webapp"
  # The shared stack's zone (what actions/doctor/terraform-calls.json's {zone} stands for).
  hosted_zone_ids = ["Z0123456789ABCDEFGHIJ"]
}

run "render" {
  command = apply

  # The state bucket is prevent_destroy, which a test's teardown cannot get past; its outputs
  # are what the module computes from the names above.
  override_module {
    target = module.bootstrap
    outputs = {
      state_bucket_name           = "acme-terraform-state"
      state_bucket_arn            = "arn:aws:s3:::acme-terraform-state"
      lock_table_name             = null
      lock_table_arn              = null
      ecr_repository_urls         = { backend = "123456789012.dkr.ecr.us-east-1.amazonaws.com/backend", frontend = "123456789012.dkr.ecr.us-east-1.amazonaws.com/frontend" }
      ecr_repository_arns         = { backend = "arn:aws:ecr:us-east-1:123456789012:repository/backend", frontend = "arn:aws:ecr:us-east-1:123456789012:repository/frontend" }
      ecr_preview_repository_urls = { backend = "123456789012.dkr.ecr.us-east-1.amazonaws.com/backend-preview", frontend = "123456789012.dkr.ecr.us-east-1.amazonaws.com/frontend-preview" }
      ecr_preview_repository_arns = { backend = "arn:aws:ecr:us-east-1:123456789012:repository/backend-preview", frontend = "arn:aws:ecr:us-east-1:123456789012:repository/frontend-preview" }
    }
  }
}

# The module overridden above, planned in full: its resource policies (the release
# repositories') are known at plan time.
run "resource_policies" {
  command = plan
}
