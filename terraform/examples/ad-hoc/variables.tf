variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Environment name; defaults to the workspace name (and must equal it when set)."
  type        = string
  default     = null
}

variable "shared_state_bucket" {
  description = "State bucket holding the shared configuration's state."
  type        = string
  default     = "acme-terraform-state"
}

variable "shared_state_key" {
  description = "State key of the shared configuration."
  type        = string
  default     = "shared/terraform.tfstate"
}

variable "ecr_registry" {
  description = "ECR registry host, <account>.dkr.ecr.<region>.amazonaws.com."
  type        = string
}

variable "backend_repository" {
  description = "Backend repository name."
  type        = string
  default     = "backend"
}

variable "frontend_repository" {
  description = "Frontend repository name."
  type        = string
  default     = "frontend"
}

variable "backend_image_tag" {
  description = "Backend image tag for the first revision (later deploys use the actions)."
  type        = string
}

variable "frontend_image_tag" {
  description = "Frontend image tag for the first revision."
  type        = string
}

variable "s3_bucket_prefix" {
  description = "Prefix of the environment buckets (globally unique)."
  type        = string
  default     = "acme-adhoc-"
}

variable "listener_priority_slot" {
  description = "Listener priority slot; null hashes the name."
  type        = number
  default     = null
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
  default     = { project = "adhoc-actions", stack = "adhoc-environment" }
}
