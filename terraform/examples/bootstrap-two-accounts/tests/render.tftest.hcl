# Applies the two-account root with one mock provider per account (production 111111111111,
# preview/build 222222222222) so its IAM can be read as AWS would store it:
# scripts/render-roles.sh turns this run's state into simulator/aws/iam/roles.json, the roles the
# emulator enforces in the two-account tests, and the plan run's resource policies with them.
mock_provider "aws" {
  alias = "production"
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
}

mock_provider "aws" {
  alias = "preview"
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
}

variables {
  repository                   = "acme/webapp"
  production_account_role_arn  = "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"
  preview_account_role_arn     = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"
  production_state_bucket_name = "acme-prod-terraform-state"
  preview_state_bucket_name    = "acme-preview-terraform-state"
  # The shared stacks' zones (what actions/doctor/terraform-calls.json's {zone} stands for).
  preview_hosted_zone_ids    = ["Z0123456789ABCDEFGHIJ"]
  production_hosted_zone_ids = ["Z0123456789ABCDEFGHIJ"]
}

run "render" {
  command = apply

  # The state buckets are prevent_destroy, which a test's teardown cannot get past; these
  # outputs are what the module computes from the names above.
  override_module {
    target = module.production_state
    outputs = {
      state_bucket_name = "acme-prod-terraform-state"
      state_bucket_arn  = "arn:aws:s3:::acme-prod-terraform-state"
      lock_table_name   = null
      lock_table_arn    = null
    }
  }
  override_module {
    target = module.preview_account
    outputs = {
      state_bucket_name           = "acme-preview-terraform-state"
      state_bucket_arn            = "arn:aws:s3:::acme-preview-terraform-state"
      lock_table_name             = null
      lock_table_arn              = null
      ecr_repository_urls         = { backend = "222222222222.dkr.ecr.us-east-1.amazonaws.com/backend", frontend = "222222222222.dkr.ecr.us-east-1.amazonaws.com/frontend" }
      ecr_repository_arns         = { backend = "arn:aws:ecr:us-east-1:222222222222:repository/backend", frontend = "arn:aws:ecr:us-east-1:222222222222:repository/frontend" }
      ecr_preview_repository_urls = { backend = "222222222222.dkr.ecr.us-east-1.amazonaws.com/backend-preview", frontend = "222222222222.dkr.ecr.us-east-1.amazonaws.com/frontend-preview" }
      ecr_preview_repository_arns = { backend = "arn:aws:ecr:us-east-1:222222222222:repository/backend-preview", frontend = "arn:aws:ecr:us-east-1:222222222222:repository/frontend-preview" }
    }
  }
}

# The modules overridden above, planned in full: their resource policies (the release
# repositories') are known at plan time.
run "resource_policies" {
  command = plan
}
