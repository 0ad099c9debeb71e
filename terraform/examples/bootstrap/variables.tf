variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "state_bucket_name" {
  description = "Globally unique name of the Terraform state bucket."
  type        = string
}

variable "repository" {
  description = "GitHub repository (owner/name) allowed to deploy."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = { project = "adhoc-actions" }
}
