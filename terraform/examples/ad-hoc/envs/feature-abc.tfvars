# Ad hoc environment "feature-abc": workspace feature-abc, https://feature-abc.<domain>.
name               = "feature-abc"
backend_image_tag  = "v1.0.0"
frontend_image_tag = "v2.0.0"

environment_variables = {
  DJANGO_SETTINGS_MODULE = "backend.settings.production"
  DEBUG                  = "0"
}

# SECRET_KEY (the shared stack's) and POSTGRES_PASSWORD (this environment's own, generated on
# the first deploy) are set by the root; add your own with
# secrets = { NAME = "arn:aws:secretsmanager:..." }.

# The janitor pauses an idle environment and later destroys it; uncomment to keep this one
# (running or paused as it is) until the date.
# keep_until = "2026-12-31"
