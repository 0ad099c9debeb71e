terraform {
  # strcontains() in validations needs 1.5; the tests (mock_provider) need >= 1.7.
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}
