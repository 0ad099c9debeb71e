output "role_arn" {
  description = "ARN of the deploy role (role-to-assume of aws-actions/configure-aws-credentials)."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the deploy role."
  value       = aws_iam_role.this.name
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the role trusts."
  value       = local.oidc_provider_arn
}

output "policy_json" {
  description = "Every statement of the deploy role, in one document (attached as the managed policies of policy_documents)."
  value       = local.policy_json
}

output "trust_policy_json" {
  description = "The role's trust policy (who may assume it)."
  value       = aws_iam_role.this.assume_role_policy
}

output "policy_documents" {
  description = "The managed policies attached to the role, by kind (deploy, denies, infrastructure, apply-1, apply-2): each within IAM's 6,144 characters."
  value       = local.policy_documents
}
