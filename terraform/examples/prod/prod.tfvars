domain             = "example.com"
hostname           = "app.example.com"
route53_zone_id    = "Z0123456789ABCDEFGHIJ"
ecr_registry       = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
backend_image_tag  = "v1.0.0"
frontend_image_tag = "v2.0.0"
secrets = {
  SECRET_KEY = "arn:aws:ssm:us-east-1:123456789012:parameter/prod/django-secret-key"
}
