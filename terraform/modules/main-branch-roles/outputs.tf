output "plan_role_arn" {
  description = "github-actions-plan (null without var.plan)."
  value       = one(aws_iam_role.plan[*].arn)
}

output "build_role_arn" {
  description = "github-actions-build (null without var.build)."
  value       = one(aws_iam_role.build[*].arn)
}

output "review_role_arn" {
  description = "github-actions-review (null without var.review)."
  value       = one(aws_iam_role.review[*].arn)
}

output "review_policy_json" {
  description = "The review role's inline policy."
  value       = local.review_policy_json
}

output "trust_policy_json" {
  description = "The trust of each role, by the workflow it trusts (terraform.yml: plan, build.yml: build, app-update.yml: review)."
  value       = local.trust
}

output "plan_policy_json" {
  description = "The plan role's inline policy."
  value       = local.plan_policy_json
}

output "plan_managed_policy_arns" {
  description = "Managed policies attached to the plan role."
  value       = [for a in aws_iam_role_policy_attachment.plan_read_only : a.policy_arn]
}

output "build_policy_json" {
  description = "The build role's inline policy."
  value       = local.build_policy_json
}
