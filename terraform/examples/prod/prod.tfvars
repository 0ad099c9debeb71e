domain             = "example.com"
hostname           = "app.example.com"
route53_zone_id    = "Z0123456789ABCDEFGHIJ"
backend_image_tag  = "v1.0.0"
frontend_image_tag = "v2.0.0"
# SECRET_KEY and POSTGRES_PASSWORD are made by the root (Secrets Manager); add your own with
# secrets = { NAME = "arn:aws:secretsmanager:..." }.
