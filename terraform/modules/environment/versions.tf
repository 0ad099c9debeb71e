terraform {
  # The floor the module is tested at (scripts/test-terraform.sh).
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Tested on 5.100 (the offline mirror's version).
      version = ">= 5.100, < 7.0"
    }
  }
}
