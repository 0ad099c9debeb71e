# Ad hoc environment "feature-abc": workspace feature-abc, https://feature-abc.<domain>.
name               = "feature-abc"
ecr_registry       = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
backend_image_tag  = "v1.0.0"
frontend_image_tag = "v2.0.0"

environment_variables = {
  DJANGO_SETTINGS_MODULE = "backend.settings.production"
  DEBUG                  = "0"
}

secrets = {
  SECRET_KEY        = "arn:aws:ssm:us-east-1:123456789012:parameter/adhoc/django-secret-key"
  POSTGRES_PASSWORD = "arn:aws:ssm:us-east-1:123456789012:parameter/adhoc/feature-abc/db-password"
}

# The janitor pauses an idle environment and later destroys it; uncomment to keep this one
# (running or paused as it is) until the date.
# keep_until = "2026-12-31"
