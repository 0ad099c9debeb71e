output "workload_boundary_arn" {
  description = "Permissions boundary for task and execution roles (permissions_boundary_arn of the shared and environment modules)."
  value       = "${local.policy_arn}${aws_iam_policy.workload_boundary.name}"
}

output "deploy_boundary_arn" {
  description = "Permissions boundary for the GitHub deploy roles (permissions_boundary_arn of github-oidc)."
  value       = "${local.policy_arn}${aws_iam_policy.deploy_boundary.name}"
}

output "path" {
  description = "IAM path of the boundary policies."
  value       = var.path
}

output "workload_boundary_policy_json" {
  description = "The workload boundary's policy document (what its tests and reviews read)."
  value       = aws_iam_policy.workload_boundary.policy
}
