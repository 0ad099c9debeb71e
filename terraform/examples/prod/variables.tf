variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "domain" {
  description = "Production domain (the certificate covers *.<domain>)."
  type        = string
}

variable "hostname" {
  description = "Public host name, e.g. app.example.com."
  type        = string
}

variable "route53_zone_id" {
  description = "Hosted zone of domain."
  type        = string
}

variable "certificate_arn" {
  description = "Existing certificate, or null to create a wildcard one."
  type        = string
  default     = null
}

variable "azs" {
  description = "Availability zones."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "ecr_registry" {
  description = "ECR registry host; null: this account's registry in region (<account>.dkr.ecr.<region>.amazonaws.com)."
  type        = string
  default     = null
}

variable "backend_image_tag" {
  description = "Backend image of the first revision: a tag (e.g. sha-<git sha>, v1.2.3) or a digest sha256:<64 hex>. Later deploys set the image through the actions."
  type        = string

  validation {
    condition     = can(regex("^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$", var.backend_image_tag))
    error_message = "backend_image_tag must be an image tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-') or a digest sha256:<64 lowercase hex>."
  }
}

variable "frontend_image_tag" {
  description = "Frontend image of the first revision: a tag (e.g. sha-<git sha>, v1.2.3) or a digest sha256:<64 hex>. Later deploys set the image through the actions."
  type        = string

  validation {
    condition     = can(regex("^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$", var.frontend_image_tag))
    error_message = "frontend_image_tag must be an image tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-') or a digest sha256:<64 lowercase hex>."
  }
}

variable "s3_bucket_prefix" {
  description = "Bucket prefix (globally unique)."
  type        = string
  default     = "acme-"
}

variable "environment_variables" {
  description = "Extra backend environment variables."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Backend secrets: variable name => SSM/Secrets Manager ARN. In one account, name Secrets Manager secrets under prod/ (secrets_prefix): the workload boundary keeps only that prefix from the previews' roles."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Default tags."
  type        = map(string)
  default     = { project = "adhoc-actions", stack = "prod" }
}
