# Shared infrastructure of the ad hoc environments. Applied rarely, by hand or by the
# terraform workflow:
#   terraform init -backend-config=bucket=acme-terraform-state -backend-config=key=shared/terraform.tfstate \
#     -backend-config=region=us-east-1 -backend-config=use_lockfile=true
terraform {
  # The workflows init the s3 backend with use_lockfile=true (1.10); the examples
  # are tested at 1.11.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }

  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

data "aws_caller_identity" "current" {}

module "shared" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/shared?ref=v1.0.0"

  name               = var.name
  domain             = var.domain
  route53_zone_id    = var.route53_zone_id
  certificate_arn    = var.certificate_arn
  azs                = var.azs
  enable_nat_gateway = var.enable_nat_gateway
  # The workload boundary bootstrap created (permissions-boundaries, path /adhoc-actions-boundaries/).
  permissions_boundary_arn = coalesce(var.permissions_boundary_arn, "arn:aws:iam::${data.aws_caller_identity.current.account_id}:policy/adhoc-actions-boundaries/workload-boundary")
}
