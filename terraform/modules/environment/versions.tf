terraform {
  # Write-only arguments (the Redis password, never in state) need 1.11.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # secret_string_wo (the write-only secret version): tested on 5.100.
      version = ">= 5.100, < 7.0"
    }
  }
}
