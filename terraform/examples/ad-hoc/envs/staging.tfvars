# Staging: an environment of this root in the production tier (protected name; production.yml
# deploys it in the GitHub environment `staging` with the production role).
name               = "staging"
backend_image_tag  = "v1.0.0"
frontend_image_tag = "v2.0.0"

environment_variables = {
  DJANGO_SETTINGS_MODULE = "backend.settings.production"
  DEBUG                  = "0"
}
