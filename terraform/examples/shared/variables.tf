variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the shared stack."
  type        = string
  default     = "adhoc"
}

variable "domain" {
  description = "Domain of the environments, e.g. dev.example.com."
  type        = string
}

variable "route53_zone_id" {
  description = "Hosted zone of domain."
  type        = string
}

variable "certificate_arn" {
  description = "Existing wildcard certificate, or null to create one."
  type        = string
  default     = null
}

variable "azs" {
  description = "Two availability zones."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "enable_nat_gateway" {
  description = "NAT gateway for private tasks (cost)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Default tags."
  type        = map(string)
  default     = { project = "adhoc-actions", stack = "adhoc-shared" }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the task and execution roles; null: the workload-boundary bootstrap made in this account."
  type        = string
  default     = null
}
