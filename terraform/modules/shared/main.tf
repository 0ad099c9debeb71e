locals {
  namespace      = coalesce(var.service_discovery_namespace, "${var.name}.internal")
  secrets_prefix = coalesce(var.secrets_prefix, var.name)
  tags           = merge({ "adhoc-actions:stack" = var.name }, var.tags)
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

# Environments register <env>-redis here so gunicorn/celery/beat reach redis by name.
resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = local.namespace
  description = "Service discovery for ${var.name} environments"
  vpc         = aws_vpc.this.id
  tags        = local.tags
}

################################################################################
# Optional bastion (off by default)
################################################################################

resource "aws_security_group" "bastion" {
  count = var.create_bastion ? 1 : 0

  name        = "${var.name}-bastion"
  description = "Bastion host"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.tags, { Name = "${var.name}-bastion" })
}

resource "aws_vpc_security_group_ingress_rule" "bastion_ssh" {
  for_each = var.create_bastion ? toset(var.bastion_allowed_cidrs) : toset([])

  security_group_id = aws_security_group.bastion[0].id
  description       = "SSH from an allowed network"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "bastion_all" {
  count = var.create_bastion ? 1 : 0

  security_group_id = aws_security_group.bastion[0].id
  description       = "All outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_instance" "bastion" {
  count = var.create_bastion ? 1 : 0

  ami                         = var.bastion_ami_id
  instance_type               = var.bastion_instance_type
  subnet_id                   = aws_subnet.public[0].id
  vpc_security_group_ids      = [aws_security_group.bastion[0].id]
  associate_public_ip_address = true

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    encrypted = true
  }

  tags = merge(local.tags, { Name = "${var.name}-bastion" })

  lifecycle {
    precondition {
      condition     = var.bastion_ami_id != null
      error_message = "bastion_ami_id is required when create_bastion = true."
    }
  }
}
