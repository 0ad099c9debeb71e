# Run once per account with local state:
#   terraform init && terraform apply -var state_bucket_name=acme-terraform-state -var repository=acme/webapp
terraform {
  # Same floor as the other roots, so one Terraform runs them all (tests need 1.7).
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

module "bootstrap" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/bootstrap?ref=v1.0.0"

  state_bucket_name = var.state_bucket_name
  tags              = var.tags
}

# The role the workflows assume; it may pass only roles under the path the shared and
# environment modules use (/adhoc-actions/).
module "github_oidc" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/github-oidc?ref=v1.0.0"

  repository           = var.repository
  ecr_repository_arns  = values(module.bootstrap.ecr_repository_arns)
  pass_role_arns       = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/adhoc-actions/*"]
  state_bucket_arn     = module.bootstrap.state_bucket_arn
  state_lock_table_arn = module.bootstrap.lock_table_arn
  tags                 = var.tags
}
