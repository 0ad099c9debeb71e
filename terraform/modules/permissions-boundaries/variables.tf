variable "path" {
  description = "IAM path of the boundary policies (workload-boundary, deploy-boundary)."
  type        = string
  default     = "/adhoc-actions-boundaries/"

  validation {
    condition     = can(regex("^/([a-zA-Z0-9+=,.@_-]+/)+$", var.path))
    error_message = "path must start and end with '/' and not be '/'."
  }
}

variable "tags" {
  description = "Tags added to the policies."
  type        = map(string)
  default     = {}
}

variable "protected_secrets" {
  description = "Secrets only some of the roles carrying workload-boundary may read, for one account that holds production and the previews: secret_arns (IAM wildcards, e.g. \"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*\") and reader_arns (role ARN patterns, e.g. production's IAM path). Any other role with the boundary is denied their values. Empty (two accounts): no such deny."
  type = list(object({
    secret_arns = list(string)
    reader_arns = list(string)
  }))
  default = []

  validation {
    condition = alltrue([for p in var.protected_secrets :
      length(p.secret_arns) > 0 && length(p.reader_arns) > 0 &&
      alltrue([for a in p.secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+", a))]) &&
    alltrue([for a in p.reader_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+", a))])])
    error_message = "protected_secrets: each entry needs secret_arns (Secrets Manager secret ARNs) and reader_arns (IAM role ARNs), neither empty."
  }
}
