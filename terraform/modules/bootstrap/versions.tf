terraform {
  # mock_provider / override_resource in tests need >= 1.7.
  required_version = ">= 1.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
