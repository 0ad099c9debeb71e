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
  description = "ECR registry host; null: this account's registry in region (<account>.dkr.ecr.<region>.amazonaws.com)."
  type        = string
  default     = null
}

variable "backend_repository" {
  description = "Backend repository: a name in ecr_registry, or a full <host>/<path> (another account's registry)."
  type        = string
  default     = "backend"
}

variable "frontend_repository" {
  description = "Frontend repository: a name in ecr_registry, or a full <host>/<path>."
  type        = string
  default     = "frontend"
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

variable "paused" {
  description = "Services at 0 and the URL answering a paused page (set by the pause workflow, not in tfvars: any apply without it resumes)."
  type        = bool
  default     = false
}

variable "keep_until" {
  description = "YYYY-MM-DD: the janitor neither pauses nor destroys this environment before then, however idle. Put it in envs/<name>.tfvars."
  type        = string
  default     = ""
}
