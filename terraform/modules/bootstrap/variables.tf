variable "state_bucket_name" {
  description = "Name of the S3 bucket that stores Terraform state (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "create_lock_table" {
  description = "Create a DynamoDB table for state locking. Off by default: the workflows lock with an S3 lockfile (use_lockfile = true, Terraform >= 1.10)."
  type        = bool
  default     = false
}

variable "lock_table_name" {
  description = "Name of the DynamoDB lock table."
  type        = string
  default     = "terraform-locks"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.lock_table_name))
    error_message = "lock_table_name must be 3-255 characters of letters, digits, '_', '-' and '.'."
  }
}

variable "state_noncurrent_version_expiration_days" {
  description = "Days after which old (noncurrent) state versions are deleted. 0 keeps them forever."
  type        = number
  default     = 90

  validation {
    condition     = var.state_noncurrent_version_expiration_days >= 0
    error_message = "state_noncurrent_version_expiration_days must be 0 or more."
  }
}

variable "ecr_repositories" {
  description = "Short names of the ECR repositories to create (the backend image is shared by gunicorn, celery, beat and one-off tasks)."
  type        = set(string)
  default     = ["backend", "frontend"]

  validation {
    condition     = alltrue([for r in var.ecr_repositories : can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*$", r))])
    error_message = "ecr_repositories entries must be lowercase letters and digits, optionally separated by '.', '_' or '-'."
  }
}

variable "ecr_repository_prefix" {
  description = "Prefix of the ECR repository names, e.g. \"myapp/\" gives myapp/backend."
  type        = string
  default     = ""

  validation {
    condition     = var.ecr_repository_prefix == "" || can(regex("^[a-z0-9][a-z0-9._/-]*[/_-]$", var.ecr_repository_prefix))
    error_message = "ecr_repository_prefix must be lowercase and end with '/', '-' or '_'."
  }
}

variable "ecr_preview_repository_suffix" {
  description = "Suffix of each repository's preview twin (backend-preview): pull-request and branch builds push there, with the preview role, and production never reads it. Only main's build (the build role) pushes to the repositories themselves."
  type        = string
  default     = "-preview"

  validation {
    condition     = can(regex("^[._-][a-z0-9]+(?:[._-][a-z0-9]+)*$", var.ecr_preview_repository_suffix))
    error_message = "ecr_preview_repository_suffix must be non-empty and start with '.', '_' or '-' (e.g. -preview): previews need repositories of their own."
  }
}

variable "state_denied_principal_arns" {
  description = "Principals (role ARNs, wildcards allowed) the state bucket's own policy refuses every object call, whatever their identity policy says: the roles the preview tier creates (the ad hoc IAM path), so a task role a pull request writes cannot read production's state or failure reports. Empty: none."
  type        = list(string)
  default     = []
}

variable "ecr_release_pusher_arns" {
  description = "Principals (role ARNs, wildcards allowed) that alone may push to the release repositories: the repository policy denies it to every other one, an account admin included. Empty: no such policy (identity policies decide)."
  type        = list(string)
  default     = []
}

variable "ecr_release_reader_account_ids" {
  description = "Accounts (a production account of its own) whose principals may pull the release repositories' images and read their digests and scan findings."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.ecr_release_reader_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "ecr_release_reader_account_ids must be 12-digit account IDs."
  }
}

variable "ecr_image_tag_mutability" {
  description = "IMMUTABLE (default: a tag always names the same image, so what was tested is what is promoted) or MUTABLE (opt out, e.g. to re-push a moving tag such as `latest`)."
  type        = string
  default     = "IMMUTABLE"

  validation {
    condition     = contains(["MUTABLE", "IMMUTABLE"], var.ecr_image_tag_mutability)
    error_message = "ecr_image_tag_mutability must be MUTABLE or IMMUTABLE."
  }
}

variable "ecr_keep_tag_patterns" {
  description = "Tag patterns (ECR wildcards, '*') whose images the lifecycle policy never expires, even when they also carry a preview tag: releases and main-branch builds."
  type        = list(string)
  default     = ["v*", "sha-*"]

  validation {
    condition     = length(var.ecr_keep_tag_patterns) >= 1 && length(var.ecr_keep_tag_patterns) <= 8 && alltrue([for p in var.ecr_keep_tag_patterns : can(regex("^[A-Za-z0-9_.*-]{1,128}$", p)) && p != "*"])
    error_message = "ecr_keep_tag_patterns must hold 1-8 tag patterns of letters, digits, '_', '.', '-' and '*' (not '*' alone)."
  }
}

variable "ecr_preview_tag_prefix" {
  description = "Tag prefix of preview (pull-request) builds, e.g. pr-<number>-<sha>; only these tagged images expire."
  type        = string
  default     = "pr-"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$", var.ecr_preview_tag_prefix))
    error_message = "ecr_preview_tag_prefix must be 1-64 tag characters (letters, digits, '_', '.', '-')."
  }
}

variable "ecr_preview_expiration_days" {
  description = "Days after which preview builds expire; keep it above the janitor's TTL (72 h by default) so a live preview's image never expires."
  type        = number
  default     = 14

  validation {
    condition     = var.ecr_preview_expiration_days >= 4 && floor(var.ecr_preview_expiration_days) == var.ecr_preview_expiration_days
    error_message = "ecr_preview_expiration_days must be a whole number of days, at least 4 (above the janitor's default TTL of 72 h)."
  }
}

variable "ecr_untagged_expiration_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 14

  validation {
    condition     = var.ecr_untagged_expiration_days >= 1
    error_message = "ecr_untagged_expiration_days must be at least 1."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

