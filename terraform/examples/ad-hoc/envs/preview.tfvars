# Every pull request's preview (pr-<number>): one file for all of them, so no preview needs a
# file of its own. The name comes from the workspace (pr-<number>), which preview.yml selects.
backend_image_tag  = "v1.0.0"
frontend_image_tag = "v2.0.0"

environment_variables = {
  DJANGO_SETTINGS_MODULE = "backend.settings.production"
  DEBUG                  = "0"
}
