terraform {
  # strcontains() needs 1.5 (terraform_data 1.4); the tests (mock_provider) need >= 1.7.
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}
