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
