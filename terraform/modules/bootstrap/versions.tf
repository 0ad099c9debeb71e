terraform {
  # No feature newer than 1.3 in the module itself; its tests (mock_provider) need >= 1.7.
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}
