# Everything the ad hoc configuration reads through terraform_remote_state.
output "shared" {
  description = "All outputs of the shared module."
  value       = module.shared
}
