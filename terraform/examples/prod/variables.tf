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
  description = "ECR registry host."
  type        = string
}

variable "backend_image_tag" {
  description = "Backend tag of the first revision."
  type        = string
}

variable "frontend_image_tag" {
  description = "Frontend tag of the first revision."
  type        = string
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
  description = "Backend secrets: variable name => SSM/Secrets Manager ARN."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Default tags."
  type        = map(string)
  default     = { project = "adhoc-actions", stack = "prod" }
}
